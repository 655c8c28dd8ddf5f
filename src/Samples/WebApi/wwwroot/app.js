// The page's script: plain fetch calls to the API; no framework.
"use strict";

async function postJson(path, body) {
  const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(json.error || response.statusText);
  return json;
}

function onSubmit(formId, resultId, handler) {
  document.getElementById(formId).addEventListener("submit", async event => {
    event.preventDefault();
    const result = document.getElementById(resultId);
    result.textContent = "…";
    try { await handler(result); } catch (error) { result.textContent = "Error: " + error.message; }
  });
}

onSubmit("sentiment-form", "sentiment-result", async result => {
  const prediction = await postJson("/predict", { text: document.getElementById("sentiment-text").value });
  result.textContent = `${prediction.label} (probability of positive ${prediction.probability.toFixed(3)})`;
});

onSubmit("answer-form", "answer-result", async result => {
  const answer = await postJson("/answer", {
    question: document.getElementById("answer-question").value,
    context: document.getElementById("answer-context").value,
  });
  result.textContent = answer.answer;
});

// Server-sent events over a POST: read the stream, split it into events at blank lines, append each piece as it arrives.
onSubmit("generate-form", "generate-result", async result => {
  const response = await fetch("/generate", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ prompt: document.getElementById("generate-prompt").value }),
  });
  if (!response.ok) throw new Error((await response.json()).error);
  result.textContent = document.getElementById("generate-prompt").value;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const data = buffer.slice(0, end).split("\n").filter(line => line.startsWith("data:")).map(line => line.slice(5).trim()).join("\n");
      buffer = buffer.slice(end + 2);
      if (data) result.textContent += JSON.parse(data).text;
    }
  }
  result.dataset.done = "true";
});

onSubmit("attention-form", "attention-status", async status => {
  const attention = await postJson("/attention", {
    text: document.getElementById("attention-text").value,
    layer: Number(document.getElementById("attention-layer").value),
    head: Number(document.getElementById("attention-head").value),
  });
  status.textContent = `layer ${attention.layer} of ${attention.layerCount}, head ${attention.head} of ${attention.headCount}`;
  const table = document.getElementById("heatmap");
  table.replaceChildren();
  const header = table.createTHead().insertRow();
  header.appendChild(document.createElement("th"));
  for (const token of attention.tokens) header.appendChild(Object.assign(document.createElement("th"), { textContent: token }));
  const body = table.createTBody();
  attention.weights.forEach((row, query) => {
    const tr = body.insertRow();
    tr.appendChild(Object.assign(document.createElement("th"), { textContent: attention.tokens[query] }));
    for (const weight of row) {
      const cell = tr.insertCell();
      cell.textContent = weight.toFixed(2);
      cell.style.background = `rgba(33, 102, 172, ${weight})`;
      cell.style.color = weight > 0.5 ? "white" : "black";
    }
  });
});
