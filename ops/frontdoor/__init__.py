"""The front door: nginx as the platform's one HTTPS origin (docs/frontdoor.md).

- `ops.frontdoor.certs`: the local CA and server certificate, or the operator's own;
- `ops.frontdoor.config`: `FrontdoorConfig`, rendered from ``templates/``;
- `ops.frontdoor.access`: what nginx's workers may read when root starts it;
- `ops.frontdoor.process`: the nginx master (check, start, reload, stop);
- `ops.frontdoor.service`: `Frontdoor`, what ``inv up``/``down``/``status`` drive.
"""
