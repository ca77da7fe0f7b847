/* libFuzzer harness for the action executor on real packets: a validated
 * action list runs on a fuzzed frame through a datapath of memory ports
 * and a patch pair (whose output re-enters the datapath, where a flow
 * sends it round again until the recursion limit).  The input is a mode
 * byte, then
 *   even: a 2-byte length L, L bytes of binary action list, the frame;
 *   odd:  an action list in text up to the first newline, the frame.
 * Lists that do not validate are not run (datapath_execute refuses them,
 * counted, which is checked too).  The frame's buffer has the standard
 * headroom and no tailroom, so ASan sees any write past it; what the ports
 * sent and the upcalls are drained after every run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>

#include "dp/actions.h"
#include "dp/datapath.h"
#include "dp/vport/vport.h"

#define MAX_FRAME 9216
#define N_MEM 3

static struct datapath *dp;
static uint32_t mem_ports[N_MEM], patch_a, patch_b;

static uint32_t add(const char *name, const char *type,
                    const struct vport_opt *opts, size_t n)
{
    uint32_t no = UINT32_MAX;
    char err[VPORT_ERR_MAX];
    if (datapath_port_add(dp, name, type, opts, n, &no, err, sizeof err)) {
        fprintf(stderr, "setup: %s\n", err);
        abort();
    }
    return no;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    /* Pull the port types into the link (built-ins are weak). */
    if (!vport_memory_ops.type) {
        abort();
    }
    if (!vport_patch_ops.type) {
        abort();
    }
    rcu_register_thread();
    dp = datapath_create("fuzz");
    for (int i = 0; i < N_MEM; i++) {
        char name[16];
        snprintf(name, sizeof name, "m%d", i);
        mem_ports[i] = add(name, "memory", NULL, 0);
    }
    struct vport_opt pa[] = { { "peer", "pb" } }, pb[] = { { "peer", "pa" } };
    patch_a = add("pa", "patch", pa, 1);
    patch_b = add("pb", "patch", pb, 1);
    datapath_ports_changed(dp);
    /* What enters on pb goes to m1 and back out of pa: a loop. */
    struct flow_key key, mask;
    memset(&key, 0, sizeof key);
    memset(&mask, 0, sizeof mask);
    key.in_port = patch_b;
    mask.in_port = UINT32_MAX;
    struct action_buf b;
    char acts[64], err[128];
    snprintf(acts, sizeof acts, "%u,%u", mem_ports[1], patch_a);
    if (actions_parse(acts, &b, err, sizeof err)
        || datapath_flow_put(dp, &key, &mask, b.data, b.len, false)) {
        fprintf(stderr, "setup: flow %s: %s\n", acts, err);
        abort();
    }
    return 0;
}

static void ignore_upcall(const struct upcall *up, void *aux)
{
    (void)up, (void)aux;
}

static void drain(void)
{
    uint8_t sink[MAX_FRAME + 64];
    for (int i = 0; i < N_MEM; i++) {
        struct vport *vp = datapath_port_get(dp, mem_ports[i]);
        while (vport_memory_take(vp, sink, sizeof sink) >= 0) {
        }
    }
    while (datapath_upcall_drain(dp, ignore_upcall, NULL, 1024) > 0) {
    }
}

/* The action list of the input in `b`, and where the frame starts; false
 * when the input has none. */
static bool split(const uint8_t *data, size_t size, struct action_buf *b,
                  size_t *frame_ofs)
{
    action_buf_init(b);
    if (data[0] & 1) {
        const uint8_t *nl = memchr(data + 1, '\n', size - 1);
        if (!nl || (size_t)(nl - data) > 2048) {
            return false;
        }
        char text[2048], err[256];
        memcpy(text, data + 1, (size_t)(nl - data - 1));
        text[nl - data - 1] = '\0';
        *frame_ofs = (size_t)(nl - data) + 1;
        return actions_parse(text, b, err, sizeof err) == 0;
    }
    if (size < 3) {
        return false;
    }
    size_t len = (size_t)data[1] << 8 | data[2];
    if (len > size - 3 || len > sizeof b->data) {
        return false;
    }
    memcpy(b->data, data + 3, len);
    b->len = len;
    *frame_ofs = 3 + len;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct action_buf *b = malloc(sizeof *b);
    size_t frame_ofs;
    if (size < 1 || !split(data, size, b, &frame_ofs)
        || size - frame_ofs > MAX_FRAME) {
        free(b);
        return 0;
    }
    size_t len = size - frame_ofs;
    uint8_t *buf = malloc(PACKET_HEADROOM + len + 1);
    struct dp_packet p;
    dp_packet_init(&p, buf, PACKET_HEADROOM + (uint32_t)len, PACKET_HEADROOM);
    if (!dp_packet_set_data(&p, data + frame_ofs, (uint32_t)len)) {
        abort();
    }
    p.md.in_port = mem_ports[0];
    struct dp_drop_stats before, after;
    datapath_get_drops(dp, &before);
    bool valid = actions_validate(b->data, b->len) == 0;
    datapath_execute(dp, &p, b->data, b->len);
    datapath_get_drops(dp, &after);
    if (!valid && after.n[DP_DROP_BAD_ACTIONS]
                  != before.n[DP_DROP_BAD_ACTIONS] + 1) {
        fprintf(stderr, "an invalid list ran uncounted\n");
        abort();
    }
    drain();
    free(buf);
    free(b);
    return 0;
}
