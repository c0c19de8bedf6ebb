// Live counts: the dashboard socket carries indicator counts as stats.delta rows
// ["indicator", "<id>", "flagged"|"checked"|"hits", amount].
const table = document.getElementById("indicators");
const scheme = location.protocol === "https:" ? "wss" : "ws";
function connect() {
  const socket = new WebSocket(`${scheme}://${location.host}/ws/operations/${table.dataset.operation}/dashboard/`);
  socket.onmessage = (frame) => {
    const message = JSON.parse(frame.data);
    if (message.type !== "stats.delta") return;
    for (const [scope, key, metric, amount] of message.delta) {
      if (scope !== "indicator") continue;
      const row = table.querySelector(`tr[data-indicator="${key}"]`);
      const cell = row && row.querySelector(`[data-metric="${metric}"]`);
      if (!cell) continue;
      cell.textContent = Number(cell.textContent) + amount;
      const checked = Number(row.querySelector('[data-metric="checked"]').textContent);
      const hits = Number(row.querySelector('[data-metric="hits"]').textContent);
      row.querySelector('[data-metric="hit_rate"]').textContent = checked ? `${Math.round(100 * hits / checked)} %` : "–";
    }
  };
  socket.onclose = () => setTimeout(() => location.reload(), 5000);  // reload: counts from the database
}
connect();
