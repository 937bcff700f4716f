"""The post-tweet Lambda: posts a `SEND_TWEET` command as a reply on X (API v2), photo included.

Without X credentials on the local cloud, the reply goes to an outbox folder instead. X's rate limit
becomes the retryable `XRateLimited` error; other refusals become `XRejected`, carrying X's message.
"""
