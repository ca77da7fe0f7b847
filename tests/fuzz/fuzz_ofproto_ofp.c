/* libFuzzer harness for what OpenFlow messages do to a bridge
 * (src/ofproto/ofproto_ofp.c): the input is a sequence of messages (each
 * header's length says where the next starts; the last is cut to what is
 * left), each framed by ofp_msg_decode and handed to ofproto_ofp_handle on
 * a fresh bridge with two memory ports, so that flow mods, bundles,
 * packet-outs, port mods and stats requests of any content run against
 * real tables.  Each message is copied into an exactly sized buffer, so
 * ASan sees a read past it.  The connection and the connection manager are
 * stand-ins defined here (link-time substitution: connmgr.o is not pulled
 * in); what they are sent is checked to frame (a packet-in with a
 * continuation as NXT_PACKET_IN2 too).  The bridge's uuid is fixed so that
 * NXT_RESUMEs can name it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>

#include "dp/datapath.h"
#include "dp/vport/vport.h"
#include "ofp/ofp_msgs.h"
#include "ofproto/connmgr.h"
#include "ofproto/ofproto.h"
#include "ofproto/ofproto_ofp.h"
#include "ofproto/ofproto_private.h"

struct ofconn {
    uint8_t version;
    struct ofpbuf out;
};

uint8_t ofconn_version(const struct ofconn *c) { return c->version; }
enum ofp_flow_format ofconn_flow_format(const struct ofconn *c)
{
    (void) c;
    return OFP_FF_NXM;
}
bool ofconn_table_id_enabled(const struct ofconn *c)
{
    (void) c;
    return true;
}
enum ofp_role ofconn_role(const struct ofconn *c)
{
    (void) c;
    return OFPCR_ROLE_EQUAL;
}
uint16_t ofconn_miss_send_len(const struct ofconn *c)
{
    (void) c;
    return 128;
}

/* Every reply must be whole messages that frame. */
void ofconn_send(struct ofconn *c, struct ofpbuf *b)
{
    size_t ofs = 0;
    while (ofs < b->size) {
        struct ofp_msg m;
        size_t len = b->size - ofs >= 4 ? ofp_get_be16(b->data + ofs + 2) : 0;
        if (len < OFP_HEADER_LEN || ofs + len > b->size
            || ofp_msg_decode(b->data + ofs, len, &m)) {
            fprintf(stderr, "reply does not frame\n");
            abort();
        }
        ofs += len;
    }
    (void) c;
    ofpbuf_clear(b);
}

void ofconn_send_error(struct ofconn *c, const struct ofp_msg *req,
                       enum ofperr error)
{
    (void) c;
    (void) req;
    if (error <= OFPERR_NONE || error >= OFPERR_N) {
        abort();
    }
}

void connmgr_send_packet_in(struct connmgr *mgr,
                            const struct ofp_packet_in *pin,
                            uint16_t controller_id)
{
    (void) mgr;
    (void) controller_id;
    if (pin->len > pin->total_len) {
        abort();
    }
    /* A pause's continuation is encoded for the connection: it must
     * frame and decode back. */
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_packet_in(&b, OFP13_VERSION, OFP_PIF_NXT2, pin);
    struct ofp_msg m;
    struct ofp_packet_in back;
    if (ofp_msg_decode(b.data, b.size, &m) || ofp_decode_packet_in(&m, &back)) {
        abort();
    }
    if (pin->cont && back.continuation_len) {
        static struct ofp_continuation k;
        if (ofp_decode_continuation(back.continuation, back.continuation_len,
                                    OFP13_VERSION, &k)) {
            abort();
        }
        ofp_continuation_free(&k);
    }
    ofpbuf_uninit(&b);
}

void connmgr_send_flow_removed(struct connmgr *mgr,
                               const struct ofp_flow_removed *fr)
{
    (void) mgr;
    (void) fr;
}

void connmgr_send_port_status(struct connmgr *mgr,
                              enum ofp_port_reason reason,
                              const struct ofp_phy_port *port)
{
    (void) mgr;
    (void) reason;
    (void) port;
}

bool connmgr_wants_packet_in_on_miss(const struct connmgr *mgr)
{
    (void) mgr;
    return true;
}

static char fake_mgr;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool registered;
    if (!registered) {
        rcu_register_thread();
        registered = true;
    }
    (void) vport_memory_ops.type;
    struct datapath *dp = datapath_create("fuzz");
    struct ofproto *ofp = ofproto_create("br0", dp);
    /* The bridge the seeds' NXT_RESUMEs name (a real one is random). */
    memset(ofp->uuid, 0x11, sizeof ofp->uuid);
    for (uint32_t i = 1; i <= 2; i++) {
        char name[16], err[VPORT_ERR_MAX];
        snprintf(name, sizeof name, "p%u", i);
        uint32_t no = UINT32_MAX;
        if (datapath_port_add(dp, name, "memory", NULL, 0, &no, err,
                              sizeof err)
            || ofproto_port_set(ofp, i, no, name, NULL)) {
            abort();
        }
    }
    ofp->connmgr = (struct connmgr *) &fake_mgr;
    struct ofconn conn;
    memset(&conn, 0, sizeof conn);
    for (int n = 0; size >= OFP_HEADER_LEN && n < 64; n++) {
        size_t len = ofp_get_be16(data + 2);
        if (len < OFP_HEADER_LEN || len > size) {
            len = size;
        }
        uint8_t *copy = malloc(len);
        memcpy(copy, data, len);
        struct ofp_msg msg;
        if (!ofp_msg_decode(copy, len, &msg)) {
            conn.version = msg.version;
            int err = ofproto_ofp_handle(ofp, &conn, &msg);
            if (err > 0 || err <= -OFPERR_N) {
                abort();
            }
        }
        free(copy);
        data += len;
        size -= len;
    }
    /* Packets through whatever the tables became. */
    uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                          2, 0, 0, 0, 0, 1, 0x08, 0x06 };
    struct vport *vp = datapath_port_get(
        dp, ofproto_port_by_ofport(ofp, 1)->dp_port);
    vport_memory_inject(vp, frame, sizeof frame);
    datapath_poll_port(dp, vp->port_no);
    ofproto_drain_upcalls(dp, 64);
    ofproto_ofp_conn_closed(ofp, &conn);
    ofp->connmgr = NULL;
    ofproto_destroy(ofp);
    datapath_destroy(dp);
    ofpbuf_uninit(&conn.out);
    return 0;
}
