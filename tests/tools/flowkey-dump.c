/* flowkey-dump: reads a pcap file and prints the flow key of each frame, one
 * line per frame, every field as key=value in a fixed order:
 *
 *   frame=N dl_dst=MAC dl_src=MAC dl_type=0xHHHH vlan0=TPID/VID/PCP|none
 *   vlan1=... nw_src=IP nw_dst=IP ipv6_src=IP6 ipv6_dst=IP6 ipv6_label=0xH
 *   nw_proto=N nw_tos=N nw_ttl=N nw_frag=no|first|later arp_sha=MAC
 *   arp_tha=MAC nd_target=IP6 tp_src=N tp_dst=N tcp_flags=0xHHH
 *
 * (N counts from 1, like tshark's frame.number.)  Used by the differential
 * test against tshark (tests/system/test_flow_key_tshark.py). */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp/flow_key.h"

static void print_mac(const char *name, const struct eth_addr *a)
{
    printf(" %s=%02x:%02x:%02x:%02x:%02x:%02x", name, a->ea[0], a->ea[1],
           a->ea[2], a->ea[3], a->ea[4], a->ea[5]);
}

static void print_ip4(const char *name, uint32_t addr)
{
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &addr, text, sizeof text);
    printf(" %s=%s", name, text);
}

static void print_ip6(const char *name, const uint8_t addr[16])
{
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, addr, text, sizeof text);
    printf(" %s=%s", name, text);
}

static void print_vlan(int i, const struct flow_vlan *v)
{
    if (!(v->tci & htons(FLOW_VLAN_PRESENT))) {
        printf(" vlan%d=none", i);
        return;
    }
    uint16_t tci = ntohs(v->tci);
    printf(" vlan%d=0x%04x/%u/%u", i, ntohs(v->tpid), tci & 0x0fff,
           tci >> 13);
}

static void print_key(unsigned long n, const struct flow_key *k)
{
    static const char *frags[] = { "no", "first", "no?", "later" };
    printf("frame=%lu", n);
    print_mac("dl_dst", &k->dl_dst);
    print_mac("dl_src", &k->dl_src);
    printf(" dl_type=0x%04x", ntohs(k->dl_type));
    for (int i = 0; i < FLOW_MAX_VLANS; i++) {
        print_vlan(i, &k->vlans[i]);
    }
    print_ip4("nw_src", k->nw_src);
    print_ip4("nw_dst", k->nw_dst);
    print_ip6("ipv6_src", k->ipv6_src);
    print_ip6("ipv6_dst", k->ipv6_dst);
    printf(" ipv6_label=0x%x nw_proto=%u nw_tos=%u nw_ttl=%u nw_frag=%s",
           ntohl(k->ipv6_label), k->nw_proto, k->nw_tos, k->nw_ttl,
           frags[k->nw_frag & FLOW_NW_FRAG_MASK]);
    print_mac("arp_sha", &k->arp_sha);
    print_mac("arp_tha", &k->arp_tha);
    print_ip6("nd_target", k->nd_target);
    printf(" tp_src=%u tp_dst=%u tcp_flags=0x%03x\n", ntohs(k->tp_src),
           ntohs(k->tp_dst), ntohs(k->tcp_flags));
}

int main(int argc, char *argv[])
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE.pcap\n", argv[0]);
        return 2;
    }
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *pcap = pcap_open_offline(argv[1], errbuf);
    if (!pcap) {
        fprintf(stderr, "%s: %s\n", argv[1], errbuf);
        return 1;
    }
    if (pcap_datalink(pcap) != DLT_EN10MB) {
        fprintf(stderr, "%s: not an Ethernet capture\n", argv[1]);
        pcap_close(pcap);
        return 1;
    }
    /* One buffer for every frame, with headroom, as a port would have. */
    static uint8_t buf[PACKET_HEADROOM + PACKET_MAX_LEN];
    struct pcap_pkthdr *hdr;
    const u_char *data;
    unsigned long n = 0;
    int status;
    while ((status = pcap_next_ex(pcap, &hdr, &data)) == 1) {
        struct dp_packet p;
        dp_packet_init(&p, buf, sizeof buf, PACKET_HEADROOM);
        n++;
        if (!dp_packet_set_data(&p, data, hdr->caplen)) {
            fprintf(stderr, "frame %lu: too long (%u bytes)\n", n,
                    hdr->caplen);
            pcap_close(pcap);
            return 1;
        }
        struct flow_key key;
        flow_key_extract(&p, &key);
        print_key(n, &key);
    }
    int rc = 0;
    if (status == PCAP_ERROR) {
        fprintf(stderr, "%s: %s\n", argv[1], pcap_geterr(pcap));
        rc = 1;
    }
    pcap_close(pcap);
    return rc;
}
