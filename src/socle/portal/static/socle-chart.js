/* Draws the chart of the dataset page from the data table under it (one source for both),
   with Chart.js served by Socle. Without JavaScript the table remains. */
"use strict";
(function () {
  var canvas = document.querySelector("canvas[data-chart]");
  if (!canvas || !window.Chart) return;
  var rows = document.querySelectorAll("#" + canvas.dataset.table + " tbody tr");
  var labels = [], values = [];
  rows.forEach(function (row) {
    labels.push(row.querySelector("th").textContent.trim());
    var raw = row.querySelector("td").dataset.value;
    values.push(raw === "" ? null : Number(raw));
  });
  var kind = canvas.dataset.chart;
  // DSFR colours: blue France for series, the illustrative palette for slices.
  var palette = ["#000091", "#c9191e", "#18753c", "#b34000", "#6a6af4", "#a558a0", "#009081",
    "#c08c65", "#716043", "#417dc4", "#ce614a", "#3a3a3a"];
  var pie = kind === "pie";
  var dataset = {
    label: canvas.dataset.label,
    data: values,
    backgroundColor: pie ? labels.map(function (_, i) { return palette[i % palette.length]; })
      : (kind === "area" ? "rgba(0, 0, 145, 0.25)" : "#000091"),
    borderColor: pie ? "#ffffff" : "#000091",
    fill: kind === "area",
    tension: 0.2,
  };
  new window.Chart(canvas, {
    type: kind === "area" ? "line" : kind,
    data: { labels: labels, datasets: [dataset] },
    options: {
      locale: "fr-FR",
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: pie, position: "right" } },
    },
  });
  canvas.dataset.drawn = "true";
})();
