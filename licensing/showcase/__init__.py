"""The showcase: products worn by licensed AI twins.

figures.py    twin figures drawn from a Talent's attributes (Monk skin tone, height, shape, size, hair)
renderer.py   the local deterministic compositor (Pillow), the slot rule, label + provenance stamping
backends.py   renderer plugins (RendererBackend); production refuses non-commercially licensed models
tokens.py     signed, short-lived image tokens bound to twin, pose, product, channel, size, session
services.py   showcase_render: license_view first, then the cached composite, stamped for this licence
selectors.py  twin_image_for / see_it_on_context: which twin, which URL (plain values in, no request)
pages.py      the shop page hooks: read the request, save a session only for a twin image, call the selectors
views.py      /showcase/<token>.png: 403 for bad tokens, 302 to the illustration when consent is denied
"""
