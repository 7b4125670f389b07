/* Configure-time probe: clang can build and link a libFuzzer harness
 * with the sanitizers tests/fuzz uses (Debian: clang, libclang-rt-14-dev). */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return size > 0 && data[0] == 0;
}
