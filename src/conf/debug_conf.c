/* placeholder: replaced by the conf implementation */
#include "conf/debug_conf.h"
G_DEFINE_QUARK(vir-debug-error-quark, vir_debug_error)
