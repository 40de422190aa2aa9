/** A small SVG line chart: one line per series over the same buckets (no chart library). */
export interface Series {
  name: string;
  values: number[];
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const WIDTH = 560;
const HEIGHT = 180;
const PAD = 30;

export function LineChart(props: { title: string; labels: string[]; series: Series[] }) {
  const { title, labels, series } = props;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const count = Math.max(1, labels.length - 1);
  const x = (i: number) => PAD + ((WIDTH - 2 * PAD) * i) / count;
  const y = (v: number) => HEIGHT - PAD - ((HEIGHT - 2 * PAD) * v) / max;
  const total = series.reduce((sum, s) => sum + s.values.reduce((a, b) => a + b, 0), 0);
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${title}: ${total} records`}
        width="100%"
        preserveAspectRatio="xMidYMid meet"
      >
        <line x1={PAD} y1={HEIGHT - PAD} x2={WIDTH - PAD} y2={HEIGHT - PAD} className="axis" />
        <line x1={PAD} y1={PAD} x2={PAD} y2={HEIGHT - PAD} className="axis" />
        <text x={PAD - 4} y={PAD + 4} textAnchor="end" className="tick">
          {max}
        </text>
        <text x={PAD - 4} y={HEIGHT - PAD} textAnchor="end" className="tick">
          0
        </text>
        {labels.length > 0 && (
          <>
            <text x={PAD} y={HEIGHT - 8} className="tick">
              {labels[0]}
            </text>
            <text x={WIDTH - PAD} y={HEIGHT - 8} textAnchor="end" className="tick">
              {labels[labels.length - 1]}
            </text>
          </>
        )}
        {series.map((s, index) => (
          <polyline
            key={s.name}
            fill="none"
            stroke={COLOURS[index % COLOURS.length]}
            strokeWidth="2"
            points={s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}
          />
        ))}
      </svg>
      <figcaption>
        <strong>{title}</strong>{' '}
        {series.map((s, index) => (
          <span key={s.name} className={`legend c${index % COLOURS.length}`}>
            ■ {s.name} ({s.values.reduce((a, b) => a + b, 0)})
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
