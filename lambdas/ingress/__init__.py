"""The ingress Lambda: X's webhook behind API Gateway (REST, Lambda proxy integration).

GET answers the CRC challenge; POST checks the size, the `x-twitter-webhooks-signature`, the content
type and the envelope (Account Activity API or X Activity API), records the raw body on the stream,
and only then answers 200. See `lambdas/README.md` for the status codes.
"""
