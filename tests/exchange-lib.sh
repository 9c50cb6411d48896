# exchange-lib.sh - a scratch hub for the exchange's end-to-end tests,
# sourced after lib.sh.  The hub runs on its embedded defaults in $TRASH:
# pki/ (the test PKI), spool/, and exchange/ (the local transport's root).
#
#   setup_hub            PKI, and BANKA and ASURB with their three officers
#   cb NAME <<EOF        write a complaint batch NAME.xml from the record
#                        elements on stdin (header and RecordCount added)
#   rsp NAME <<EOF       the same for a response file; NAME is RSP_<PUJK>_...
#   drop_cb FILE         sign FILE as the intake, put it in /slkt/outbound
#   drop_rsp FILE ROLE   sign FILE as that officer of the PUJK its name says,
#                        put it in /pujk/<PUJK>/upload
#   ack_for BASE         the acknowledgement delivered for a base name
#   result BASE ID       "STATUS CODE" of record ID in that acknowledgement
#   file_status BASE     FileStatus of that acknowledgement
#   file_error BASE      the first FileError code of that acknowledgement

NS=urn:slktx:exchange:1

setup_hub() {
	make-test-pki pki >/dev/null &&
	for p in BANKA ASURB; do
		slktx pujk add $p --name "PUJK $p" --sector BANK >/dev/null || return 1
		for r in product service decision; do
			R=$(echo $r | tr a-z A-Z)
			slktx officer add $p --role $R --name "$p $r officer" \
				--cert pki/$p-$r.crt >/dev/null || return 1
		done
	done
	mkdir -p exchange/slkt/outbound exchange/slkt/inbound \
		exchange/pujk/BANKA/upload exchange/pujk/BANKA/download \
		exchange/pujk/ASURB/upload exchange/pujk/ASURB/download
}

# wrap NAME ROOT SENDER-ELEMENT: header + records from stdin
wrap() {
	records=$(cat)
	n=$(printf '%s\n' "$records" | grep -c ' id="')
	sender=$(echo "$1" | cut -d_ -f2)
	cat >"$1.xml" <<DOC
<?xml version="1.0" encoding="UTF-8"?>
<$2 xmlns="$NS" schemaVersion="1.0">
  <Header>
    <BatchId>$1</BatchId>
    <$3>$sender</$3>
    <CreatedAt>2026-11-27T18:00:00+07:00</CreatedAt>
    <RecordCount>$n</RecordCount>
  </Header>
  <Records>
$records
  </Records>
</$2>
DOC
}

cb() {
	wrap "$1" ComplaintBatch Sender
}

rsp() {
	wrap "$1" ResponseFile PujkCode
}

drop_cb() {
	slktx sign --cert pki/intake.crt --key pki/intake.key "$1" >/dev/null &&
	mv "$1" "$1.p7s" exchange/slkt/outbound/
}

drop_rsp() {
	pujk=$(basename "$1" | cut -d_ -f2)
	role=$(echo "$2" | tr A-Z a-z)
	slktx sign --cert pki/$pujk-$role.crt --key pki/$pujk-$role.key "$1" >/dev/null &&
	mv "$1" "$1.p7s" exchange/pujk/$pujk/upload/
}

ack_for() {
	base=$1
	case $base in
	CB_*) echo "exchange/slkt/inbound/ACK_$base.xml" ;;
	RSP_*) echo "exchange/pujk/$(echo "$base" | cut -d_ -f2)/download/ACK_$base.xml" ;;
	esac
}

xpath() {
	xmllint --xpath "$2" "$1" 2>/dev/null
}

result() {
	a=$(ack_for "$1")
	s=$(xpath "$a" "string(//*[local-name()='Result'][@recordId='$2']/@status)")
	c=$(xpath "$a" "string(//*[local-name()='Result'][@recordId='$2']/@code)")
	echo "$s${c:+ $c}"
}

file_status() {
	xpath "$(ack_for "$1")" "string(//*[local-name()='FileStatus'])"
}

file_error() {
	xpath "$(ack_for "$1")" "string((//*[local-name()='FileError'])[1]/@code)"
}

# new_ticket ID TICKET PUJK [RECEIVED]: a NewTicket record element
new_ticket() {
	cat <<REC
    <NewTicket id="$1">
      <TicketNo>$2</TicketNo>
      <PujkCode>$3</PujkCode>
      <ReceivedAt>${4:-2026-11-20T09:00:00+07:00}</ReceivedAt>
      <Channel>WEB</Channel>
      <Product>Kartu Kredit</Product>
      <Consumer><Name>Budi Santoso</Name><Nik>3174051203850007</Nik></Consumer>
      <Subject>Transaksi tidak dikenal</Subject>
      <Description>Konsumen tidak mengenali transaksi.</Description>
    </NewTicket>
REC
}
