"""The four Lambda handlers (ingress, download-images, overlay, post-tweet) and their small shared helpers.

Handlers are thin: each wraps a plain function that takes its clients as arguments, so the same code runs
on AWS (boto3) and on the local cloud. No orchestration lives here; that is the ASL's job.
"""
