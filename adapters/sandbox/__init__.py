"""The sandbox gateway: Razorpay's protocol with real signatures, played locally, with no account and no network."""
