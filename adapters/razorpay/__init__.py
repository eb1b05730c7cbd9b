"""Razorpay: the official SDK for orders and payments, and the shape of its webhook events."""
