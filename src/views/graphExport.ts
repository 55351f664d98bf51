/** Saving a graph: JSON (circuit-tracer / Neuronpedia schema), SVG (serialized), PNG (SVG drawn on a canvas). */

/** Offers `blob` as a download named `name` through a temporary <a download>. */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Downloads a JSON value, pretty-printed. */
export function downloadJson(value: unknown, name: string): void {
  downloadBlob(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }), name);
}

/** The SVG as a standalone document string (colours are attributes, so it needs no stylesheet). */
export function svgText(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.removeAttribute('style');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
}

export function downloadSvg(svg: SVGSVGElement, name: string): void {
  downloadBlob(new Blob([svgText(svg)], { type: 'image/svg+xml' }), name);
}

/** Draws the SVG onto a canvas at `scale` and downloads it as PNG; resolves with an error message or null. */
export async function downloadPng(svg: SVGSVGElement, name: string, scale = 2): Promise<string | null> {
  const width = Number(svg.getAttribute('width')) || svg.clientWidth;
  const height = Number(svg.getAttribute('height')) || svg.clientHeight;
  const url = URL.createObjectURL(new Blob([svgText(svg)], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the browser could not draw the SVG'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) return 'this browser gives no 2D canvas';
    ctx.fillStyle = 'white';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) return 'the canvas could not be saved as PNG';
    downloadBlob(blob, name);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    URL.revokeObjectURL(url);
  }
}
