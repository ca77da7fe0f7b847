/* Meters in the datapath: a bounded table of token-bucket meters that a
 * flow's DP_ACTION_METER runs its packets through, with the semantics of
 * OVS 3.1's userspace datapath (lib/dpif-netdev.c):
 *
 * - A meter has up to DP_METER_MAX_BANDS bands; each band is a token bucket
 *   of `rate` (kb/s with DP_METER_F_KBPS, packets/s with DP_METER_F_PKTPS)
 *   that holds at most `burst_size` (kilobits or packets; 0 means `rate`,
 *   as OVS).  A new meter starts with full buckets.
 * - Every packet of a batch that reaches the meter counts in the meter's
 *   packets/bytes.  The whole batch arrives at one instant: each band is
 *   refilled by the time since the meter last ran, then drained by the
 *   packets that fit; a packet that does not fit a band "exceeds" it.  Of
 *   the bands a packet exceeds, the one with the highest rate fires: a drop
 *   band drops it, a dscp_remark band raises its drop precedence by
 *   `prec_level` (below).  A fired band counts the packet in its own stats.
 * - dscp_remark (OpenFlow's OFPMBT_DSCP_REMARK, which OVS's userspace
 *   datapath refuses): for an IPv4/IPv6 packet whose DSCP is an Assured
 *   Forwarding code point (AFxy: class x 1-4, drop precedence y 1-3), y is
 *   raised by prec_level, capped at 3 (AF11 + 1 = AF12); other code points
 *   are left as they are.  The IPv4 header checksum is updated.
 *
 * One difference from OVS: a frame larger than a band's whole bucket (a
 * GSO super-frame, up to 64 KiB, past a burst below 512 kilobits) passes
 * when the bucket is full and leaves it in debt, where OVS (which meters
 * segments) would drop every such frame; the average stays the rate.
 *
 * Buckets are kept in fine units so that refills lose nothing between
 * batches: kbps buckets in millibits (1 kb/s = 1 millibit per microsecond),
 * pktps buckets in micropackets; time in microseconds from
 * CLOCK_MONOTONIC (the vDSO: no system call).
 *
 * Threads: the table is written by the control thread only; meters are
 * published under RCU (a set replaces the meter, freed after a grace
 * period), so the forwarding threads look them up without a lock.  Each
 * meter's buckets and counters are under a per-meter spinlock held only
 * while one batch (at most PACKET_BATCH_MAX packets) passes: see meter.c. */
#ifndef VS_DP_METER_H
#define VS_DP_METER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp/packet.h"

/* Datapath meter ids are 0 .. DP_METER_MAX - 1 (one table for every bridge
 * of the datapath; ofproto maps each bridge's OpenFlow meter ids to them). */
#define DP_METER_MAX 65536
#define DP_METER_MAX_BANDS 8

/* Flags, OpenFlow 1.3's OFPMF_* bits. */
#define DP_METER_F_KBPS 0x1
#define DP_METER_F_PKTPS 0x2
#define DP_METER_F_BURST 0x4
#define DP_METER_F_STATS 0x8
#define DP_METER_F_ALL 0xf

/* Band types, OpenFlow's OFPMBT_* values. */
enum dp_meter_band_type {
    DP_METER_BAND_DROP = 1,
    DP_METER_BAND_DSCP_REMARK = 2,
};

struct dp_meter_band_config {
    uint16_t type;          /* enum dp_meter_band_type */
    uint8_t prec_level;     /* dscp_remark only */
    uint32_t rate;          /* kb/s or packets/s; > 0 */
    uint32_t burst_size;    /* kilobits or packets; 0: rate */
};

struct dp_meter_config {
    uint16_t flags;         /* DP_METER_F_* */
    uint16_t n_bands;
    struct dp_meter_band_config bands[DP_METER_MAX_BANDS];
};

struct dp_meter_stats {
    uint64_t packets, bytes;        /* every packet that reached it */
    uint16_t n_bands;
    struct {
        uint64_t packets, bytes;    /* the packets the band fired on */
    } bands[DP_METER_MAX_BANDS];
};

struct dp_meters;

struct dp_meters *dp_meters_create(void);
/* Frees every meter; no forwarding thread may run. */
void dp_meters_destroy(struct dp_meters *t);

/* Reserves a free meter id in *id: 0, or -ENOSPC when all are taken. */
int dp_meter_id_alloc(struct dp_meters *t, uint32_t *id);

/* Sets meter `id` (reserved) to `cfg`, replacing what it was (buckets full,
 * counters zero, as OVS's meter_set).  0, or -EINVAL with a message in
 * `err`: id out of range, unknown flags, not exactly one of kbps and pktps,
 * more than DP_METER_MAX_BANDS bands, an unknown band type, a zero rate. */
int dp_meter_set(struct dp_meters *t, uint32_t id,
                 const struct dp_meter_config *cfg, char *err, size_t errlen);

/* Removes meter `id` and frees its id (nothing when there is none). */
void dp_meter_del(struct dp_meters *t, uint32_t id);

/* Meter `id`'s counters: 0, or -ENOENT. */
int dp_meter_get_stats(struct dp_meters *t, uint32_t id,
                       struct dp_meter_stats *s);

/* The meters' clock: monotonic microseconds. */
uint64_t dp_meter_now_us(void);

/* The fast path: runs `b` through meter `id` at time `now_us`.  The packets
 * it drops leave `b` (which keeps the others in order) and are appended to
 * `dropped` (may be NULL); dscp_remark bands rewrite packets in place.  A
 * missing meter passes every packet, as OVS.  Returns how many were
 * dropped.  Caller holds the RCU read lock (or is the control thread). */
uint32_t dp_meter_run(struct dp_meters *t, uint32_t id,
                      struct dp_packet_batch *b, uint64_t now_us,
                      struct dp_packet_batch *dropped);

#endif
