// The workflow diagram: states as boxes at (x, y) — dragged with the mouse or moved with the arrow
// keys once focused — and transitions as labelled arrows; a click (or Enter) selects an element for
// the side panel. Elements with errors are marked and say so to screen readers.
import { useRef } from 'react';
import type { KeyboardEvent, PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { WorkflowDefinition } from '../../api/issue5';
import type { ElementRef, ErrorIndex } from './errorPaths';
import { errorsOf } from './errorPaths';
import { arrowsOf, canvasSize, clampPos, keyMove, nodeHeight, nodeWidth } from './geometry';

interface Props {
  def: WorkflowDefinition;
  selected: ElementRef | null;
  errors: ErrorIndex;
  statusName: (id: number) => string;
  transitionName: (index: number) => string;
  onSelect: (e: ElementRef) => void;
  onMove: (index: number, x: number, y: number) => void;
}

const isSel = (s: ElementRef | null, kind: 'state' | 'transition', index: number) => s !== null && s.kind === kind && s.index === index;

export function Diagram({ def, selected, errors, statusName, transitionName, onSelect, onMove }: Props) {
  const { t } = useTranslation();
  const svg = useRef<SVGSVGElement>(null);
  const drag = useRef<{ index: number; dx: number; dy: number; moved: boolean } | null>(null);
  const size = canvasSize(def.states);
  const arrows = arrowsOf(def);

  const toSvg = (e: PointerEvent) => {
    const r = svg.current?.getBoundingClientRect();
    return { x: e.clientX - (r?.left ?? 0), y: e.clientY - (r?.top ?? 0) };
  };
  const onNodeDown = (e: PointerEvent<SVGGElement>, index: number) => {
    if (e.button !== 0) return;
    const p = toSvg(e);
    const s = def.states[index]!;
    drag.current = { index, dx: p.x - s.x, dy: p.y - s.y, moved: false };
    e.currentTarget.setPointerCapture(e.pointerId);
    onSelect({ kind: 'state', index });
  };
  const onNodeMove = (e: PointerEvent<SVGGElement>) => {
    const d = drag.current;
    if (d === null) return;
    const p = toSvg(e);
    const at = clampPos({ x: p.x - d.dx, y: p.y - d.dy });
    d.moved = true;
    onMove(d.index, at.x, at.y);
  };
  const onNodeUp = () => {
    drag.current = null;
  };
  const onNodeKey = (e: KeyboardEvent<SVGGElement>, index: number) => {
    const s = def.states[index]!;
    const next = keyMove(s, e.key, e.shiftKey);
    if (next !== null) {
      e.preventDefault();
      onMove(index, next.x, next.y);
      return;
    }
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect({ kind: 'state', index });
    }
  };

  return (
    <div className="wf-diagram" data-testid="wf-diagram">
      <p className="form-field__hint" id="wf-diagram-help">
        {t('workflows.editor.diagramHelp')}
      </p>
      <svg ref={svg} width={size.width} height={size.height} className="wf-diagram__svg" role="group" aria-label={t('workflows.editor.diagram')} aria-describedby="wf-diagram-help">
        <defs>
          <marker id="wf-arrowhead" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="wf-arrowhead" />
          </marker>
        </defs>
        {arrows.map((a) => {
          const err = errorsOf(errors, { kind: 'transition', index: a.transition }).size > 0;
          const sel = isSel(selected, 'transition', a.transition);
          const name = transitionName(a.transition);
          const cls = ['wf-arrow', sel ? 'wf-arrow--selected' : '', err ? 'wf-arrow--error' : ''].filter(Boolean).join(' ');
          const label = t('workflows.editor.arrowLabel', { name, from: statusName(a.from), to: statusName(a.to) }) + (err ? ` — ${t('workflows.editor.hasErrors')}` : '');
          return (
            <g
              key={`${a.transition}-${a.from}`}
              className={cls}
              role="button"
              tabIndex={0}
              aria-label={label}
              aria-pressed={sel}
              data-testid={`wf-arrow-${def.transitions[a.transition]?.key ?? a.transition}-${a.from}`}
              onClick={() => onSelect({ kind: 'transition', index: a.transition })}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onSelect({ kind: 'transition', index: a.transition });
                }
              }}
            >
              <path d={a.d} className="wf-arrow__hit" />
              <path d={a.d} className="wf-arrow__line" markerEnd="url(#wf-arrowhead)" />
              <text x={a.label.x} y={a.label.y - 4} textAnchor="middle" className="wf-arrow__label">
                {name}
              </text>
            </g>
          );
        })}
        {def.states.map((s, i) => {
          const err = errorsOf(errors, { kind: 'state', index: i }).size > 0;
          const sel = isSel(selected, 'state', i);
          const cls = ['wf-node', sel ? 'wf-node--selected' : '', err ? 'wf-node--error' : '', s.start ? 'wf-node--start' : '', s.final ? 'wf-node--final' : '']
            .filter(Boolean)
            .join(' ');
          const marks = [s.start ? t('workflows.editor.start') : '', s.final ? t('workflows.editor.final') : ''].filter(Boolean).join(', ');
          const label = `${statusName(s.status_id)}${marks ? ` (${marks})` : ''}${err ? ` — ${t('workflows.editor.hasErrors')}` : ''}`;
          return (
            <g
              key={`${s.status_id}-${i}`}
              className={cls}
              transform={`translate(${s.x},${s.y})`}
              role="button"
              tabIndex={0}
              aria-label={label}
              aria-pressed={sel}
              data-testid={`wf-node-${s.status_id}`}
              onPointerDown={(e) => onNodeDown(e, i)}
              onPointerMove={onNodeMove}
              onPointerUp={onNodeUp}
              onPointerCancel={onNodeUp}
              onKeyDown={(e) => onNodeKey(e, i)}
            >
              <rect width={nodeWidth} height={nodeHeight} rx={8} className="wf-node__box" />
              <text x={nodeWidth / 2} y={nodeHeight / 2 + 5} textAnchor="middle" className="wf-node__text">
                {statusName(s.status_id)}
              </text>
              {s.start && <circle cx={10} cy={10} r={4} className="wf-node__start" />}
              {s.limit_minutes !== null && (
                <text x={nodeWidth - 6} y={12} textAnchor="end" className="wf-node__limit">
                  {t('workflows.editor.limitShort', { n: s.limit_minutes })}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
