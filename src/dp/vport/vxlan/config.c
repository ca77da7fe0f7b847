/* vxlan port options: parsing with clear refusals, and printing. */
#include "dp/vport/vxlan/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses a whole decimal or 0x-hex number no larger than `max`. */
static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    if (!*s || *s == '-' || *s == '+' || *s == ' ') {
        return false;
    }
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || *end || v > max) {
        return false;
    }
    *out = v;
    return true;
}

static bool parse_ipv4(const char *s, uint32_t *be)
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1) {
        return false;
    }
    *be = a.s_addr;
    return true;
}

/* One option; returns false with the reason in `err`. */
static bool parse_one(const char *name, const struct vport_opt *o,
                      struct vxlan_config *cfg, char *err, size_t errlen)
{
    const char *k = o->key, *v = o->value ? o->value : "";
    unsigned long n;
    /* A repeated option replaces the earlier one whole ("flow" or
     * "inherit" included), so what prints is what was last given. */
    if (!strcmp(k, "remote_ip")) {
        cfg->remote_flow = false;
        cfg->remote = 0;
        if (!strcmp(v, "flow")) {
            cfg->remote_flow = true;
        } else if (!parse_ipv4(v, &cfg->remote) || !cfg->remote
                   || cfg->remote == INADDR_BROADCAST) {
            snprintf(err, errlen, "%s: bad remote_ip '%s' (an IPv4 unicast "
                     "address or 'flow')", name, v);
            return false;
        }
    } else if (!strcmp(k, "local_ip")) {
        if (!parse_ipv4(v, &cfg->local)) {
            snprintf(err, errlen, "%s: bad local_ip '%s' (an IPv4 address)",
                     name, v);
            return false;
        }
    } else if (!strcmp(k, "key")) {
        cfg->key_flow = false;
        cfg->vni = 0;
        if (!strcmp(v, "flow")) {
            cfg->key_flow = true;
        } else if (parse_uint(v, VXLAN_VNI_MAX, &n)) {
            cfg->vni = (uint32_t)n;
        } else {
            snprintf(err, errlen, "%s: bad key '%s' (a VNI 0..%u or 'flow')",
                     name, v, VXLAN_VNI_MAX);
            return false;
        }
    } else if (!strcmp(k, "dst_port")) {
        if (!parse_uint(v, 65535, &n) || !n) {
            snprintf(err, errlen, "%s: bad dst_port '%s'", name, v);
            return false;
        }
        cfg->dst_port = (uint16_t)n;
    } else if (!strcmp(k, "tos")) {
        cfg->tos_inherit = false;
        cfg->tos = 0;
        if (!strcmp(v, "inherit")) {
            cfg->tos_inherit = true;
        } else if (parse_uint(v, 255, &n)) {
            cfg->tos = (uint8_t)n;
        } else {
            snprintf(err, errlen, "%s: bad tos '%s' (0..255 or 'inherit')",
                     name, v);
            return false;
        }
    } else if (!strcmp(k, "ttl")) {
        cfg->ttl_inherit = false;
        cfg->ttl = VXLAN_DEFAULT_TTL;
        if (!strcmp(v, "inherit")) {
            cfg->ttl_inherit = true;
        } else if (parse_uint(v, 255, &n) && n) {
            cfg->ttl = (uint8_t)n;
        } else {
            snprintf(err, errlen, "%s: bad ttl '%s' (1..255 or 'inherit')",
                     name, v);
            return false;
        }
    } else if (!strcmp(k, "mtu")) {
        if (!parse_uint(v, VXLAN_MTU_MAX, &n) || n < VXLAN_MTU_MIN) {
            snprintf(err, errlen, "%s: bad mtu '%s' (%u..%u)", name, v,
                     VXLAN_MTU_MIN, VXLAN_MTU_MAX);
            return false;
        }
        cfg->mtu = (uint32_t)n;
    } else {
        snprintf(err, errlen, "%s: unknown vxlan argument '%s'", name, k);
        return false;
    }
    return true;
}

int vxlan_config_parse(const char *name, const struct vport_opt *opts,
                       size_t n_opts, struct vxlan_config *cfg, char *err,
                       size_t errlen)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->dst_port = VXLAN_DEFAULT_PORT;
    cfg->ttl = VXLAN_DEFAULT_TTL;
    cfg->mtu = VXLAN_DEFAULT_MTU;
    bool has_remote = false;
    for (size_t i = 0; i < n_opts; i++) {
        if (!opts[i].key || !parse_one(name, &opts[i], cfg, err, errlen)) {
            if (!opts[i].key) {
                snprintf(err, errlen, "%s: option without a name", name);
            }
            return -EINVAL;
        }
        has_remote |= !strcmp(opts[i].key, "remote_ip");
    }
    if (!has_remote) {
        snprintf(err, errlen, "%s: vxlan type requires 'remote_ip' argument",
                 name);
        return -EINVAL;
    }
    return 0;
}

int vxlan_config_format(const struct vxlan_config *cfg, char *buf,
                        size_t size)
{
    char remote[INET_ADDRSTRLEN] = "flow", local[INET_ADDRSTRLEN] = "";
    if (!cfg->remote_flow) {
        inet_ntop(AF_INET, &cfg->remote, remote, sizeof remote);
    }
    if (cfg->local) {
        inet_ntop(AF_INET, &cfg->local, local, sizeof local);
    }
    char key[16] = "flow", tos[16] = "inherit", ttl[16] = "inherit";
    if (!cfg->key_flow) {
        snprintf(key, sizeof key, "%u", cfg->vni);
    }
    if (!cfg->tos_inherit) {
        snprintf(tos, sizeof tos, "%u", cfg->tos);
    }
    if (!cfg->ttl_inherit) {
        snprintf(ttl, sizeof ttl, "%u", cfg->ttl);
    }
    char port[16], mtu[16];
    snprintf(port, sizeof port, "%u", cfg->dst_port);
    snprintf(mtu, sizeof mtu, "%u", cfg->mtu);
    bool show_tos = cfg->tos_inherit || cfg->tos;
    bool show_ttl = cfg->ttl_inherit || cfg->ttl != VXLAN_DEFAULT_TTL;
    bool show_key = cfg->key_flow || cfg->vni;
    bool show_port = cfg->dst_port != VXLAN_DEFAULT_PORT;
    bool show_mtu = cfg->mtu != VXLAN_DEFAULT_MTU;
    return snprintf(buf, size, "remote_ip=%s%s%s%s%s%s%s%s%s%s%s%s%s",
                    remote,
                    *local ? ", local_ip=" : "", local,
                    show_key ? ", key=" : "", show_key ? key : "",
                    show_port ? ", dst_port=" : "", show_port ? port : "",
                    show_tos ? ", tos=" : "", show_tos ? tos : "",
                    show_ttl ? ", ttl=" : "", show_ttl ? ttl : "",
                    show_mtu ? ", mtu=" : "", show_mtu ? mtu : "");
}
