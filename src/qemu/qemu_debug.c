#include "qemu/qemu_debug.h"
