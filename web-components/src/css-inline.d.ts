/** `import text from './file.css?inline'`: the style sheet's text, minified by `vite build` (as Vite's own client types say). */
declare module '*.css?inline' {
  const text: string;
  export default text;
}
