// 包保 map: entities placed by longitude/latitude, coloured by 包保 grade, unguaranteed ones ringed in black.
// Data from GET /api/v1/baobao/map; labels from the page (json_script) so the text follows the UI language.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("baobao-map");
  if (!box || !window.echarts) return;
  const labels = JSON.parse(document.getElementById("baobao-map-labels").textContent);
  const note = document.getElementById("baobao-map-note");
  const colours = { A: "#c0392b", B: "#e67e22", C: "#2e86c1", D: "#7f8c8d", "-": "#bbbbbb" };
  const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (_, key) => values[key]);
  fetch(box.dataset.src, { credentials: "same-origin" })
    .then((response) => response.json())
    .then(({ points, total }) => {
      if (!points.length) {
        note.textContent = labels.empty;
        box.hidden = true;
        return;
      }
      if (points.length < total) note.textContent = fill(labels.truncated, { shown: points.length, total });
      const series = Object.keys(colours).map((grade) => ({
        name: grade === "-" ? "—" : fill(labels.grade, { grade }),
        type: "scatter",
        symbolSize: grade === "A" ? 10 : grade === "B" ? 8 : 5,
        itemStyle: { color: colours[grade] },
        large: true,
        data: points.filter((p) => p[2] === grade && p[3]),
      }));
      series.push({
        name: labels.gap,
        type: "scatter",
        symbolSize: 9,
        itemStyle: { color: "transparent", borderColor: "#000", borderWidth: 2 },
        data: points.filter((p) => !p[3]),
      });
      const chart = echarts.init(box);
      chart.setOption({
        animation: false,
        legend: { top: 0, data: series.filter((s) => s.data.length).map((s) => s.name) },
        grid: { left: 40, right: 10, top: 40, bottom: 30 },
        xAxis: { type: "value", scale: true, axisLabel: { formatter: "{value}°" } },
        yAxis: { type: "value", scale: true, axisLabel: { formatter: "{value}°" } },
        tooltip: {
          trigger: "item",
          formatter: (item) => {
            const [, , grade, , name, cadre] = item.data;
            const div = document.createElement("div");
            div.textContent = `${name}（${grade}）${labels.cadre}：${cadre || labels.none}`;
            return div.innerHTML;
          },
        },
        series,
      });
      window.addEventListener("resize", () => chart.resize());
    });
});
