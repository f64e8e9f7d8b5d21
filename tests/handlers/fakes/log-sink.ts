/**
 * Every line the handler tests captured (Powertools log lines, EMF documents), kept for the whole run, so a test
 * can check what the handlers ever printed: tests/handlers/log-canaries.test.ts scans them for planted values.
 */
const lines: string[] = [];

export function keepLines(text: string): void {
    for (const line of text.split("\n")) if (line.trim() !== "") lines.push(line);
}

export function capturedLines(): readonly string[] {
    return lines;
}
