"use strict";
// Buffered writer: the generator never holds a whole file in memory, so it can write
// plans larger than V8's maximum string length.
const fs = require("node:fs");

class Out {
  constructor(file) {
    this.fd = fs.openSync(file, "w");
    this.parts = [];
    this.size = 0;
    this.bytes = 0;
  }
  write(text) {
    this.parts.push(text);
    this.size += text.length;
    if (this.size > 4 << 20) this.flush();
  }
  flush() {
    if (this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join(""), "utf8");
    fs.writeSync(this.fd, buf);
    this.bytes += buf.length;
    this.parts = [];
    this.size = 0;
  }
  close() {
    this.flush();
    fs.closeSync(this.fd);
    return this.bytes;
  }
}

/** Writes comma-separated items of a JSON array or object that is being streamed. */
function separated(out) {
  let first = true;
  return (text) => {
    out.write(first ? text : "," + text);
    first = false;
  };
}

module.exports = { Out, separated };
