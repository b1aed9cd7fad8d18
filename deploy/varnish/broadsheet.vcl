# Varnish in front of Broadsheet (Debian: apt-get install varnish varnish-modules).
# Caches what Broadsheet marks public (the shared article page, lists, feeds: Cache-Control
# public with s-maxage), passes everything personal or staff, and purges by key when Broadsheet
# says something changed (EDGE_PURGE_URLS=http://THIS-VARNISH:6081; see docs/DEPLOY.md).
# Run varnishd with -p http_gzip_support=off: Broadsheet compresses (brotli and gzip) itself, and
# Varnish's own gzip handling would ask it for gzip only.
vcl 4.1;

import std;
import xkey;

backend default {
  .host = "127.0.0.1";
  .port = "3000";
}

# Who may purge: the Broadsheet instances. Add their addresses.
acl purgers {
  "127.0.0.1";
  "::1";
}

sub vcl_recv {
  if (req.method == "PURGE") {
    if (client.ip !~ purgers) {
      return (synth(403, "Forbidden"));
    }
    if (!req.http.xkey-purge) {
      return (synth(400, "An xkey-purge header names the keys to purge"));
    }
    set req.http.x-purged = xkey.purge(req.http.xkey-purge);
    return (synth(200, "Purged " + req.http.x-purged + " objects"));
  }
  if (req.method != "GET" && req.method != "HEAD") {
    return (pass);
  }
  # Staff pages, the API (its event streams, the personal form token) and anyone logged in as
  # staff go straight through.
  if (req.url ~ "^/admin" || req.url ~ "^/api/" || req.url ~ "^/metrics" || req.http.Authorization) {
    return (pass);
  }
  # A reader who rated or commented on this article carries bs_acted (scoped to its path): their
  # page is their own.
  if (req.http.Cookie ~ "(^|;\s*)(bs_acted|bs_staff)=") {
    return (pass);
  }
  # Nothing else in a cookie changes a public page: without it, every reader shares one copy.
  unset req.http.Cookie;
  # One copy per encoding Broadsheet sends (it answers Vary: Accept-Encoding).
  if (req.http.Accept-Encoding ~ "\bbr\b") {
    set req.http.Accept-Encoding = "br";
  } elsif (req.http.Accept-Encoding ~ "\bgzip\b") {
    set req.http.Accept-Encoding = "gzip";
  } else {
    unset req.http.Accept-Encoding;
  }
  return (hash);
}

# vcl_backend_response is Varnish's built-in: responses that are private, no-cache, no-store or
# set a cookie are not kept; a public one lives for its s-maxage (stale-while-revalidate gives
# its grace), and its xkey header indexes it under Broadsheet's keys.

sub vcl_deliver {
  if (obj.hits > 0) {
    set resp.http.X-Cache = "HIT";
  } else {
    set resp.http.X-Cache = "MISS";
  }
  # The keys are for Varnish alone.
  unset resp.http.xkey;
}
