/* The application form of the demo: nothing is sent anywhere. */
(function () {
  "use strict";
  var form = document.getElementById("application");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    document.getElementById("application-result").textContent = "Thank you. This is a demo: nothing was sent.";
  });
})();
