// A tiny HTTP server; the point of this project is what surrounds it (see README.md).
const http = require('node:http');
http.createServer((req, res) => res.end('ok\n')).listen(8080);
