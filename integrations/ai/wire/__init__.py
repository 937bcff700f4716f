"""The AWS wire protocols the local AI server speaks: JSON 1.1, Smithy RPC v2 CBOR and REST-JSON."""
