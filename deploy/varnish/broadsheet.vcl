# Varnish in front of Broadsheet (Debian: apt-get install varnish varnish-modules).
# Caches what Broadsheet marks public (the shared article page, lists, feeds: Cache-Control
# public with s-maxage), passes everything personal or staff, and purges by key when Broadsheet
# says something changed (EDGE_PURGE_URLS=http://THIS-VARNISH:6081; see docs/DEPLOY.md).
# Run varnishd with -p http_gzip_support=off: Broadsheet compresses (brotli and gzip) itself, and
# Varnish's own gzip handling would ask it for gzip only.
vcl 4.1;

import std;
import xkey;

# An instance is asked for /readyz every two seconds: one whose database is away, or that does
# not answer, is sick after two failures in three. It counts as healthy when Varnish starts.
probe ready {
  .url = "/readyz";
  .interval = 2s;
  .timeout = 1s;
  .window = 3;
  .threshold = 2;
  .initial = 2;
}

backend default {
  .host = "127.0.0.1";
  .port = "3000";
  .probe = ready;
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
  # A copy past its life is served while it is fetched again for as long as Broadsheet's
  # stale-while-revalidate says, when an instance answers; when none does, for up to a day
  # (vcl_backend_response keeps it that long) rather than an error page.
  if (std.healthy(req.backend_hint)) {
    set req.grace = 30s;
  }
  return (hash);
}

# Then Varnish's built-in: responses that are private, no-cache, no-store or set a cookie are
# not kept; a public one lives for its s-maxage, and its xkey header indexes it under
# Broadsheet's keys. A purge removes a copy at once: a changed page is never served stale.
sub vcl_backend_response {
  if (beresp.ttl > 0s && beresp.http.Cache-Control ~ "\bpublic\b" && !beresp.http.Set-Cookie) {
    set beresp.grace = 24h;
  }
}

sub vcl_deliver {
  if (obj.hits > 0) {
    set resp.http.X-Cache = "HIT";
  } else {
    set resp.http.X-Cache = "MISS";
  }
  # The keys are for Varnish alone.
  unset resp.http.xkey;
}
