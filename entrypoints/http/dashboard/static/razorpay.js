// Opens Razorpay Checkout (its checkout.js is loaded from Razorpay just before this file) for the order on the page,
// and posts Checkout's signed result to /orders/<id>/verify, which grants the credits once the signature checks out.
"use strict";

(function () {
  function start() {
    const box = document.querySelector("[data-razorpay]");
    if (!box) return;
    const status = box.querySelector("[data-checkout-status]");
    const openButton = box.querySelector("[data-checkout-open]");
    const result = box.querySelector("[data-checkout-result]");
    if (!window.Razorpay) {
      status.textContent = "Razorpay Checkout could not be loaded. Check your connection, then reload this page.";
      openButton.disabled = true;
      return;
    }
    const checkout = new window.Razorpay({
      key: box.dataset.key,
      amount: Number(box.dataset.amount),
      currency: box.dataset.currency,
      name: box.dataset.name,
      description: box.dataset.description,
      order_id: box.dataset.orderId,
      prefill: { email: box.dataset.email },
      theme: { color: "#3b47c9" },
      handler: (response) => {
        ["razorpay_order_id", "razorpay_payment_id", "razorpay_signature"].forEach((name) => {
          result.elements[name].value = response[name] || "";
        });
        status.textContent = "Payment received; confirming it with Pixelmill…";
        openButton.disabled = true;
        result.submit();
      },
      modal: {
        ondismiss: () => {
          status.textContent = "Checkout was closed and nothing was charged. Press Pay when you are ready.";
        },
      },
    });
    checkout.on("payment.failed", (response) => {
      const reason = (response.error && response.error.description) || "no reason was given";
      status.textContent = "The payment failed (" + reason + "). You can try again.";
    });
    openButton.addEventListener("click", () => checkout.open());
    status.textContent = "Razorpay Checkout is open. Complete the payment there.";
    checkout.open();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
