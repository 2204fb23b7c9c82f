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

/*
 * Called after control printed a message of its own (a sysrq answer, a
 * refused request), so that the owner of the terminal can redraw what the
 * message interrupted. The monitor registers its prompt redraw here;
 * control never calls the monitor itself.
 */
void control_set_message_hook(void (*fn)(void));

#endif /* TINYPV_CONTROL_H */
