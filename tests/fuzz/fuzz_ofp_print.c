/* libFuzzer harness for ofp_print (src/ofp/ofp_print.h): any bytes are
 * printed as an OpenFlow message (decoded with the codec, as vs-ofctl
 * prints a switch's replies) and as an Ethernet frame (a packet-in's
 * packet line).  The input is copied into an exactly sized buffer, so
 * ASan sees any read past it; the text must end in a newline. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/ofp_print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    for (int verbosity = 1; verbosity <= 2; verbosity++) {
        struct dstr s = DSTR_INIT;
        ofp_print_msg(&s, copy, size, verbosity);
        if (!s.len || s.s[s.len - 1] != '\n') {
            abort();
        }
        dstr_free(&s);
    }
    struct dstr s = DSTR_INIT;
    ofp_print_packet(&s, copy, size);
    dstr_free(&s);
    free(copy);
    return 0;
}
