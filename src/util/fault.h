/*
 * fault - named crash and pause points, so that the tests can kill a run at
 * the worst moment and check that the next run finishes the work exactly
 * once, or hold it still while they change the world under it.
 *
 * fault_arm(spec) is called once by the command layer, before any thread
 * starts, with the environment variable SLKTX_FAULT.  fault_point(name)
 * does nothing unless spec names that point: "NAME" fires the first time the
 * point is reached, "NAME:N" the N-th time in this process.  Firing is a real
 * crash: the process sends itself SIGKILL (exit status 137 in a shell), with
 * no cleanup, no atexit handlers, no buffered output flushed.  "NAME:pause"
 * instead stops the process with SIGSTOP at every arrival: the test waits
 * for the stopped state, acts, and sends SIGCONT, so that what it does falls
 * exactly between two steps of the program, however loaded the machine.  An
 * unarmed point costs one comparison per call.  Neither function fails.
 *
 * The points the pipeline uses (keep this list and the calls in step):
 *   after-fetch           a fetched pair is durable in inbox/, not yet recorded
 *   mid-fetch             inside a transport's fetch, the bytes copied and checked, not synced
 *   fetch-started         inside a transport's fetch, the remote file opened and measured,
 *                         no byte read yet (once per attempt)
 *   mid-apply             inside the ledger transaction applying a file's records
 *   after-commit          the ledger transaction committed, no acknowledgement yet
 *   after-ack             the acknowledgement is in the outbox, input not archived
 *   after-archive         the input and its signature are in archive/
 *   mid-push              inside a transport's push, the temporary .NAME.part written
 *   after-push            a file is on the server, not yet moved to sent/
 *   before-remote-remove  a fetched pair is recorded, not yet removed from the server
 *   after-remote-remove   removed from the server, the removal not yet recorded
 *   mid-dispatch          a dispatch is being built, its events not yet marked sent
 *   after-dispatch        a dispatch committed with its cursor (a PUJK's or the
 *                         intake's), the next recipient's not begun, nothing pushed
 *   mid-statement         a statement and its .p7s are in the outbox, not yet recorded
 * fetch-started, mid-fetch and mid-push are called by both transports; the
 * others belong to the pipeline's stages.
 */
#ifndef SLKTX_FAULT_H
#define SLKTX_FAULT_H

void fault_arm(const char *spec);
void fault_point(const char *name);

#endif
