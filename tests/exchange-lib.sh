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
#   ack_for BASE         the newest acknowledgement delivered for a base name; a
#                        BASE with a / is taken as the acknowledgement's path
#                        (so in every helper below that takes a BASE)
#   result BASE ID       "STATUS CODE" of record ID in that acknowledgement
#   file_status BASE     FileStatus of that acknowledgement
#   file_error BASE      the first FileError code of that acknowledgement
#   file_error_at BASE   "CODE LINE COLUMN" of that first FileError
#   n_results BASE       how many Result elements the acknowledgement has
#   ack_ok BASE          the acknowledgement validates and its .p7s verifies
#   sign_as WHO FILE     sign FILE with pki/WHO.crt and .key, openssl CLI alone
#   drop_as WHO FILE DIR sign FILE as WHO, move it and its .p7s to exchange/DIR
#   ledger SQL           run SQL on spool/ledger.sqlite with the sqlite3 CLI
#   ledger_counts        "tickets events files" in the ledger now
#   status_of TICKET     the ticket's status in the ledger
#   rejected_whole BASE CODE   the acknowledgement rejects the whole file with
#                        CODE, lists no Result, and the ledger's tickets and
#                        events are as ledger_counts wrote to ledger.before
#   dsp_seqs PUJK        the eventSeq of every item of every dispatch
#                        delivered to PUJK, one a line (items only)
#   take_over, follow_up, proposal, misrouted, decision, closure, ojk_note,
#   reassign ID TICKET ...   one record element on one line (see each)

NS=urn:slktx:exchange:1

setup_hub() {
	{ test -f config/slktx.conf || write_test_config .; } &&
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
	# the newest answer: ACK_<base>.xml, then ACK_<base>_<n>.xml (SPEC 1.1 section 3)
	name=$(sqlite3 spool/ledger.sqlite "SELECT name FROM outfile WHERE kind = 'ACK'
		AND (name = 'ACK_$base.xml' OR name GLOB 'ACK_${base}_[1-9]*.xml')
		ORDER BY id DESC LIMIT 1" 2>/dev/null)
	case $base in
	*/*) echo "$base" ;;
	CB_*) echo "exchange/slkt/inbound/${name:-ACK_$base.xml}" ;;
	RSP_*) echo "exchange/pujk/$(echo "$base" | cut -d_ -f2)/download/${name:-ACK_$base.xml}" ;;
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

file_error_at() {
	a=$(ack_for "$1")
	x="(//*[local-name()='FileError'])[1]"
	echo "$(xpath "$a" "string($x/@code)") $(xpath "$a" "string($x/@line)")" \
		"$(xpath "$a" "string($x/@column)")"
}

n_results() {
	xpath "$(ack_for "$1")" "count(//*[local-name()='Result'])"
}

ack_ok() {
	a=$(ack_for "$1")
	slktx validate "$a" >/dev/null &&
	openssl cms -verify -binary -inform DER -purpose any -CAfile pki/ca.crt \
		-content "$a" -in "$a.p7s" -out /dev/null 2>/dev/null
}

sign_as() {
	openssl cms -sign -binary -cades -md sha256 -outform DER -signer "pki/$1.crt" \
		-inkey "pki/$1.key" -in "$2" -out "$2.p7s"
}

drop_as() {
	sign_as "$1" "$2" && mv "$2" "$2.p7s" "exchange/$3/"
}

ledger() {
	sqlite3 spool/ledger.sqlite "$1"
}

ledger_counts() {
	ledger "SELECT (SELECT count(*) FROM ticket), (SELECT count(*) FROM event),
		(SELECT count(*) FROM file WHERE state = 'PROCESSED')"
}

status_of() {
	ledger "SELECT status FROM ticket WHERE no = '$1'"
}

rejected_whole() {
	ledger "SELECT (SELECT count(*) FROM ticket), (SELECT count(*) FROM event)" >ledger.after &&
	cut -d"|" -f1,2 ledger.before >ledger.expect &&
	test_cmp ledger.expect ledger.after &&
	test "$(file_status "$1")" = REJECTED &&
	test "$(file_error "$1")" = "$2" &&
	test "$(n_results "$1")" = 0 &&
	test "$(xpath "$(ack_for "$1")" "count(//*[local-name()='Results'])")" = 0 &&
	ack_ok "$1"
}

dsp_seqs() {
	for d in exchange/pujk/$1/download/DSP_*.xml; do
		test -f "$d" || continue
		# items only: a NewTicket's OjkNotes and a TicketHistory's events name seqs too
		sed -n 's/^    <[A-Za-z]* .* eventSeq="\([0-9]*\)".*/\1/p' "$d"
	done
}

# One record element a line, for cb and rsp: ID TICKET [AT] and what follows.
take_over() {
	echo "<TakeOver id=\"$1\"><TicketNo>$2</TicketNo><At>${3:-2026-11-21T10:00:00+07:00}</At></TakeOver>"
}

follow_up() {
	echo "<FollowUp id=\"$1\"><TicketNo>$2</TicketNo><At>${3:-2026-11-22T10:00:00+07:00}</At><Action>${4:-CONTACTED_CONSUMER}</Action><Note>Konsumen dihubungi.</Note></FollowUp>"
}

proposal() {
	echo "<ResolutionProposal id=\"$1\"><TicketNo>$2</TicketNo><At>${3:-2026-11-23T10:00:00+07:00}</At><Resolution>EXPLANATION</Resolution><Summary>Transaksi sah.</Summary></ResolutionProposal>"
}

misrouted() {
	echo "<Misrouted id=\"$1\"><TicketNo>$2</TicketNo><At>${3:-2026-11-21T10:00:00+07:00}</At><Note>Bukan nasabah kami.</Note></Misrouted>"
}

# decision ID TICKET OUTCOME [AT]
decision() {
	echo "<Decision id=\"$1\"><TicketNo>$2</TicketNo><Outcome>$3</Outcome><At>${4:-2026-11-24T10:00:00+07:00}</At><Note>Keputusan OJK.</Note></Decision>"
}

closure() {
	echo "<Closure id=\"$1\"><TicketNo>$2</TicketNo><Reason>WITHDRAWN</Reason><At>${3:-2026-11-24T10:00:00+07:00}</At><Note>Dicabut konsumen.</Note></Closure>"
}

ojk_note() {
	echo "<OjkNote id=\"$1\"><TicketNo>$2</TicketNo><At>${3:-2026-11-24T11:00:00+07:00}</At><Note>Catatan OJK.</Note></OjkNote>"
}

# reassign ID TICKET PUJK [AT]
reassign() {
	echo "<Reassign id=\"$1\"><TicketNo>$2</TicketNo><PujkCode>$3</PujkCode><At>${4:-2026-11-25T10:00:00+07:00}</At><Note>Dialihkan.</Note></Reassign>"
}

# The hub's whole clock set with libfaketime (the PKI, the signatures, the
# runs): on "YYYY-MM-DD HH:MM" CMD... runs CMD (a shell function too) with
# every process it starts beginning at that time in WIB.
FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
on() {
	(
		FAKETIME="@$(date -u -d "$1 +0700" "+%Y-%m-%d %H:%M:%S")" &&
		LD_PRELOAD=$FAKETIME_LIB && export FAKETIME LD_PRELOAD && shift && "$@"
	)
}

# created FILE TIME: the CreatedAt of a file cb or rsp wrote (27 November)
created() {
	sed -i "s|<CreatedAt>.*</CreatedAt>|<CreatedAt>$2</CreatedAt>|" "$1"
}
