// The public map (docs/portal.md §2): the county's businesses as points coloured by rating; a click opens the page.
(function () {
  "use strict";
  var el = document.getElementById("portal-map");
  if (!el || !window.echarts) return;
  var colours = {excellent: "#1a9850", good: "#91cf60", average: "#fc8d59", conform: "#1a9850", basic: "#fee08b", nonconform: "#d73027", "": "#999999"};
  fetch(el.dataset.points).then(function (r) { return r.json(); }).then(function (data) {
    var groups = {};
    data.points.forEach(function (p) { (groups[p[4]] = groups[p[4]] || []).push([p[2], p[3], p[1], p[0]]); });
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: {formatter: function (x) { return x.data[2]; }},
      legend: {top: 0},
      xAxis: {scale: true, show: false}, yAxis: {scale: true, show: false},
      series: Object.keys(groups).map(function (k) {
        return {name: k || "—", type: "scatter", symbolSize: 6, data: groups[k], itemStyle: {color: colours[k] || "#999"}};
      })
    });
    chart.on("click", function (x) { window.location = el.dataset.business.replace("/0/", "/" + x.data[3] + "/"); });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
