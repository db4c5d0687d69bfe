// 一张图: areas shaded by the chosen KPI (ECharts map from loaded boundaries, or coloured tiles when a region
// has none), entities as points by 包保 grade, and weekly/monthly trend lines. Data and labels come from the
// page (json_script), the series from /dashboard/series.json, boundaries and points from the API.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-autosubmit]").forEach((el) => el.addEventListener("change", () => el.form.submit()));
  document.querySelectorAll(".bar[data-share]").forEach((el) => { el.style.width = `${el.dataset.share}%`; });
  const data = JSON.parse(document.getElementById("dash-map-data").textContent);
  const labels = JSON.parse(document.getElementById("dash-map-labels").textContent);
  const box = document.getElementById("dash-map");
  const tiles = document.getElementById("dash-tiles");
  const note = document.getElementById("dash-map-note");
  const good = "#0b6e4f", bad = "#e8b04b", none = "#e4e7eb";
  const values = data.areas.map((a) => a.value).filter((v) => v !== null);
  const lo = Math.min(...values), hi = Math.max(...values);
  const mix = (a, b, t) => {
    const c = (hex, i) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
    return `rgb(${[0, 1, 2].map((i) => Math.round(c(a, i) + (c(b, i) - c(a, i)) * t)).join(",")})`;
  };
  // the better end of the scale is green whichever way the KPI counts
  const shade = (v) => {
    if (v === null || v === "" || Number.isNaN(v)) return none;
    let t = hi > lo ? (v - lo) / (hi - lo) : 1;
    if (data.better === "low") t = hi > lo ? 1 - t : 1;
    return data.better ? mix(bad, good, t) : mix("#cfe3f7", "#1f5fa8", t);
  };
  tiles.querySelectorAll(".tile").forEach((tile) => {
    const v = tile.dataset.value === "" ? null : Number(tile.dataset.value);
    tile.style.background = shade(v);
    const bg = tile.style.background.match(/\d+/g);
    if (bg) tile.classList.toggle("dark", 0.299 * bg[0] + 0.587 * bg[1] + 0.114 * bg[2] < 140);
  });

  const showMap = (geojson, points) => {
    echarts.registerMap(data.code, geojson);
    const colours = { A: "#c0392b", B: "#e67e22", C: "#2e86c1", D: "#7f8c8d", "-": "#9aa5b1" };
    const byCode = Object.fromEntries(data.areas.map((a) => [a.code, a]));
    const series = [{
      type: "map", geoIndex: 0, name: data.kpi,
      data: data.areas.filter((a) => a.value !== null).map((a) => ({ name: a.code, value: a.value })),
    }];
    Object.keys(colours).forEach((grade) => {
      const mine = points.filter((p) => (p[2] || "-") === grade);
      if (mine.length) series.push({
        type: "scatter", coordinateSystem: "geo", name: grade === "-" ? labels.ungraded : labels.grade.replace("%(grade)s", grade),
        symbolSize: grade === "A" ? 7 : 4, itemStyle: { color: colours[grade] }, large: true,
        data: mine.map((p) => ({ value: [p[0], p[1]], name: p[4] })),
      });
    });
    const chart = echarts.init(box);
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: (item) => {
          const div = document.createElement("div");
          const area = byCode[item.name];
          div.textContent = area ? `${area.name}：${area.text}${data.unit === "%" ? "" : data.unit}` : item.name;
          return div.innerHTML;
        },
      },
      legend: points.length ? { bottom: 0, data: series.slice(1).map((s) => s.name) } : undefined,
      visualMap: values.length ? {
        // all areas equal: place them at the good end of the scale
        seriesIndex: 0, min: hi > lo || data.better !== "high" ? lo : lo - 1, max: hi > lo || data.better === "high" ? hi : hi + 1, calculable: true, left: 0, top: 0, itemHeight: 80,
        text: [data.kpi, ""], inRange: { color: data.better === "low" ? [good, bad] : data.better ? [bad, good] : ["#cfe3f7", "#1f5fa8"] },
      } : undefined,
      geo: { map: data.code, nameProperty: "code", roam: true, itemStyle: { areaColor: none, borderColor: "#fff" },
             label: { show: true, fontSize: 10, formatter: (p) => (byCode[p.name] || {}).name || "" } },
      series,
    });
    chart.on("click", (item) => {
      const area = byCode[item.name];
      if (item.seriesType === "map" && area && area.url) window.location.href = area.url;
    });
    window.addEventListener("resize", () => chart.resize());
    tiles.hidden = true;
  };

  if (!window.echarts || !data.boundaries) {
    box.hidden = true;
    note.textContent = data.boundaries ? "" : labels.no_boundaries;
  } else {
    const get = (url) => fetch(url, { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : null));
    Promise.all([get(data.boundaries), data.points ? get(data.points) : Promise.resolve(null)])
      .then(([geojson, points]) => {
        if (!geojson) { box.hidden = true; note.textContent = labels.no_boundaries; return; }
        showMap(geojson, (points && points.points) || []);
        if (geojson.sources && geojson.sources.length) note.textContent = `${labels.source}${geojson.sources.join("；")}`;
      })
      .catch(() => { box.hidden = true; note.textContent = labels.no_boundaries; });
  }

  const trend = document.getElementById("dash-trend");
  if (!trend || !window.echarts) return;
  const trendChart = echarts.init(trend);
  let loaded = null;
  const draw = (unit) => {
    const chosen = loaded.filter((s) => s.unit === unit);
    trendChart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 10, top: 40, bottom: 30 },
      xAxis: { type: "category", data: chosen.length ? chosen[0].periods.map((p) => p.slice(5)) : [] },
      yAxis: { type: "value", minInterval: 1 },
      series: chosen.map((s) => ({ name: s.label, type: "line", data: s.values })),
    }, true);
    document.querySelectorAll("[data-unit]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.unit === unit)));
  };
  fetch(data.series, { credentials: "same-origin" })
    .then((r) => r.json())
    .then((body) => {
      loaded = body.series;
      // the rate KPIs week by week, when the daily KPI history holds this region's past
      const past = document.querySelector('[data-unit="history"]');
      if (past) past.hidden = !loaded.some((s) => s.unit === "history");
      draw("week");
    });
  document.querySelectorAll("[data-unit]").forEach((b) => b.addEventListener("click", () => loaded && draw(b.dataset.unit)));
  window.addEventListener("resize", () => trendChart.resize());
});
