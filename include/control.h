/*
 * control.h: obeying the toolstack.
 *
 * `xl shutdown`, `xl reboot` and `xl sysrq` do not talk to the guest
 * directly: they write a word into the guest's xenstore directory, under
 * control/, and wait. The guest watches those keys, acknowledges a request
 * by clearing the key, and acts on it.
 */
#ifndef TINYPV_CONTROL_H
#define TINYPV_CONTROL_H

/* Announce what we support and watch control/shutdown and control/sysrq. */
void control_init(void);

#endif /* TINYPV_CONTROL_H */
