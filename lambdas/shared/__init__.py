"""Small helpers every Lambda handler shares: settings from the environment, JSON logging, AWS error codes,
the X credentials secret, and safe image decoding. Nothing here knows about any one function."""
