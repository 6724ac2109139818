// A small order-intake API: the content of the bench image's Node.js app (its node_modules is what matters).
'use strict';
const express = require('express');
const helmet = require('helmet');
const AWS = require('aws-sdk');

const app = express();
app.use(helmet());
app.use(express.json({ limit: '256kb' }));
const sqs = new AWS.SQS({ region: process.env.AWS_REGION || 'eu-west-1' });

app.get('/healthz', (_req, res) => res.json({ ok: true }));
app.post('/orders', async (req, res, next) => {
  try {
    await sqs.sendMessage({ QueueUrl: process.env.ORDERS_QUEUE_URL, MessageBody: JSON.stringify(req.body) }).promise();
    res.status(202).json({ queued: true });
  } catch (e) {
    next(e);
  }
});
app.listen(Number(process.env.PORT || 8080));
