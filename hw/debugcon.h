/*
 * hw/debugcon.h - the Bochs/QEMU debug console at port E9: every byte
 * written appears on the host; a read returns E9 so a guest can detect it.
 */
#ifndef HW_DEBUGCON_H
#define HW_DEBUGCON_H

#include "hw/chardev.h"
#include "hw/ioport.h"

#define DEBUGCON_PORT 0xe9

int debugcon_init(struct ioport_bus *bus, struct chardev *out);

#endif
