/*
 * control.h: obeying the toolstack's requests in xenstore's control/
 * (xl shutdown, reboot, sysrq, suspend). docs/07-xenstore.md.
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

/*
 * Another watch of the toolstack's (the balloon's memory/target) printed a
 * message of its own: the same redraw.
 */
void control_message_printed(void);

#endif /* TINYPV_CONTROL_H */
