// Draws each chart of the page from the JSON option the server embedded beside it
// (<div data-chart="ID"> + <script type="application/json" id="ID">); no inline script.
(function () {
  "use strict";
  function draw() {
    document.querySelectorAll("[data-chart]").forEach((box) => {
      const source = document.getElementById(box.dataset.chart);
      if (!source || typeof echarts === "undefined") return;
      const option = JSON.parse(source.textContent);
      // Still pictures for automated browsers (screenshots, tests); animation for people.
      option.animation = !navigator.webdriver;
      const chart = echarts.init(box, null, { renderer: "canvas" });
      chart.setOption(option);
      window.addEventListener("resize", () => chart.resize());
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
