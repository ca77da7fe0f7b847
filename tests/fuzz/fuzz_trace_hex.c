/* libFuzzer harness for ofproto/trace's packet input: the hex-frame parser
 * (hex_to_frame, static in ofproto_commands.c, so this file includes it
 * whole and does not link the archive's copy) and the translation it
 * feeds.  The input is "FLOW\nHEX" (no newline: the flow is "in_port=1"),
 * as `ofproto/trace br0 FLOW HEX` passes them.  The parser must accept
 * exactly what an independent decoder accepts (hex digit pairs, blanks
 * between them), the key must be flow_key_extract's of those bytes, and
 * the translation of it through a table with rules of several kinds must
 * format without error.  A bridge of three memory ports is made once. */
#include "ofproto/ofproto_commands.c"

#include <stdint.h>
#include <urcu.h>

#include "dp/vport/vport.h"
#include "ofp/ofp_parse.h"

static struct ofproto *ofp;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    /* Pull the port types into the link (built-ins are weak). */
    if (!vport_memory_ops.type) {
        abort();
    }
    rcu_register_thread();
    struct datapath *dp = datapath_create("fuzz");
    ofp = ofproto_create("br0", dp);
    for (uint32_t i = 1; i <= 3; i++) {
        char name[8], err[256];
        snprintf(name, sizeof name, "p%u", i);
        uint32_t no = UINT32_MAX;
        if (datapath_port_add(dp, name, "memory", NULL, 0, &no, err,
                              sizeof err)
            || ofproto_port_set(ofp, i, no, name, NULL)) {
            fprintf(stderr, "setup: %s\n", err);
            abort();
        }
    }
    static const char *const rules[] = {
        "priority=10,tcp,tp_dst=80,actions=mod_nw_dst:10.0.0.9,output:2",
        "priority=10,udp6,actions=mod_vlan_vid:7,output:3",
        "priority=10,arp,actions=NORMAL",
        "priority=5,ip,nw_ttl=1,actions=dec_ttl,output:2",
        "priority=5,dl_vlan=5,actions=strip_vlan,resubmit(,1)",
        "table=1,priority=1,actions=output:1",
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        char err[256];
        if (ofproto_add_flow_str(ofp, rules[i], err, sizeof err)) {
            fprintf(stderr, "setup: %s: %s\n", rules[i], err);
            abort();
        }
    }
    return 0;
}

/* The reference: blanks skipped, then pairs of hex digits, at most `size`
 * bytes.  -1 for anything else. */
static int decode(const char *hex, uint8_t *buf, size_t size, size_t *len)
{
    size_t n = 0;
    for (const char *p = hex; *p; p++) {
        if (isspace((unsigned char)*p)) {
            continue;
        }
        const char *digits = "0123456789abcdef";
        const char *hi = strchr(digits, tolower((unsigned char)p[0]));
        const char *lo = p[1] ? strchr(digits, tolower((unsigned char)p[1]))
                              : NULL;
        if (!hi || !lo || n >= size) {
            return -1;
        }
        buf[n++] = (uint8_t)((hi - digits) << 4 | (lo - digits));
        p++;
    }
    *len = n;
    return 0;
}

static void fail(const char *what, const char *flow, const char *hex)
{
    fprintf(stderr, "%s\n  flow: %s\n  hex: %s\n", what, flow, hex);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192 || memchr(data, '\0', size)) {
        return 0;
    }
    char *in = malloc(size + 1);
    memcpy(in, data, size);
    in[size] = '\0';
    char *nl = strchr(in, '\n');
    const char *flow = "in_port=1", *hex = in;
    if (nl) {
        *nl = '\0';
        flow = in;
        hex = nl + 1;
    }
    const char *argv[] = { "ofproto/trace", "br0", flow, hex };
    struct xlate_in xi;
    memset(&xi, 0, sizeof xi);
    char err[ERRLEN] = "";
    int error = trace_flow(ofp, 4, argv, &xi.flow, err, sizeof err);

    static uint8_t ref[PACKET_HEADROOM + 65536];
    size_t ref_len = 0;
    int ref_error = decode(hex, ref + PACKET_HEADROOM, 65536, &ref_len);
    if (ref_error && !error) {
        fail("accepted what the reference refuses", flow, hex);
    }
    if (!ref_error && error
        && !strcmp(err, "Trailing garbage in packet data")) {
        fail("refused what the reference accepts", flow, hex);
    }
    if (!error) {
        struct dp_packet p;
        dp_packet_init(&p, ref, sizeof ref, PACKET_HEADROOM);
        p.len = (uint32_t)ref_len;
        p.md.in_port = xi.flow.key.in_port;
        struct flow_key key;
        flow_key_extract(&p, &key);
        if (memcmp(&key, &xi.flow.key, sizeof key)) {
            fail("key differs from the frame's", flow, hex);
        }
        struct dstr steps = DSTR_INIT, out = DSTR_INIT;
        xi.ofproto = ofp;
        xi.now_ms = 1000;
        xi.trace = &steps;
        struct xlate_out *xo = xmalloc(sizeof *xo);
        xlate(&xi, xo);
        format_packet_flow(&xi.flow, &out);
        format_packet_flow(&xo->final, &out);
        struct ofp_match mega = { .value = xi.flow, .mask = xo->wc };
        ofp_match_format(&mega, -1, &out);
        char acts[4096];
        actions_format(xo->acts.data, xo->acts.len, acts, sizeof acts);
        if (actions_validate(xo->acts.data, xo->acts.len)) {
            fail("translation made an invalid action list", flow, hex);
        }
        free(xo);
        dstr_free(&steps);
        dstr_free(&out);
    } else if (!err[0]) {
        fail("refused without a message", flow, hex);
    }
    free(in);
    return 0;
}
