using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// One answer: <c>Answer == context.Substring(AnswerStart, Answer.Length)</c> always; <see cref="Score"/> is the start logit plus the
/// end logit of the best span, NaN when the row has no span to score (an empty question or context: Answer "" at 0).
/// </summary>
internal readonly record struct QuestionAnsweringPrediction(string Answer, int AnswerStart, float Score)
{
    public static QuestionAnsweringPrediction None => new("", 0, float.NaN);
}

/// <summary>
/// Encode → forward → best span for question answering: every window of every row through the <see cref="SpanExtractor"/>, the best
/// span over all windows of a row, mapped back to the row's characters. Shared by the scorer and the trainer's validation.
/// </summary>
internal static class QuestionAnsweringPredictor
{
    /// <param name="network">The span extractor (any precision; logits are read as float32).</param>
    /// <param name="packer">The encoder of rows into windows.</param>
    /// <param name="maxAnswerLength">The most tokens of an answer.</param>
    /// <param name="rows">(question, context) pairs.</param>
    /// <param name="windowsPerBatch">Windows per forward pass.</param>
    /// <param name="device">Where the network lives.</param>
    public static QuestionAnsweringPrediction[] Predict(SpanExtractor network, QuestionAnsweringPacker packer, int maxAnswerLength,
        IReadOnlyList<(string Question, string Context)> rows, int windowsPerBatch, Device device)
    {
        var packed = rows.Select(r => packer.Pack(r.Question, r.Context)).ToArray();
        var windows = packed.SelectMany((row, r) => Enumerable.Range(0, row.Windows.Count).Select(w => (Row: r, Window: w))).ToList();
        var best = new (int First, int Last, float Score)[rows.Count];
        Array.Fill(best, (0, 0, float.NegativeInfinity));
        using (no_grad())
        {
            for (int at = 0; at < windows.Count; at += windowsPerBatch)
            {
                using var scope = NewDisposeScope();
                var chunk = windows.Skip(at).Take(windowsPerBatch).ToList();
                var (ids, mask, types) = packer.Tensors(chunk.Select(w => (packed[w.Row], w.Window)).ToList(), device);   // [B, T]
                var (start, end) = Forward(network, ids, mask, types);                                                   // [B, T]
                int length = (int)ids.shape[1];
                float[] starts = start.to(float32).cpu().data<float>().ToArray();   // [B * T]
                float[] ends = end.to(float32).cpu().data<float>().ToArray();       // [B * T]
                for (int b = 0; b < chunk.Count; b++)
                {
                    var row = packed[chunk[b].Row];
                    var (first, count) = row.Windows[chunk[b].Window];
                    var span = QuestionAnsweringSpanSearch.Best(starts.AsSpan(b * length, length), ends.AsSpan(b * length, length),
                        row.ContextOffset, count, maxAnswerLength);
                    if (span.Score > best[chunk[b].Row].Score)
                        best[chunk[b].Row] = (first + span.First, first + span.Last, span.Score);
                }
            }
        }

        var predictions = new QuestionAnsweringPrediction[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            if (packed[r].Windows.Count == 0)
            {
                predictions[r] = QuestionAnsweringPrediction.None;
                continue;
            }
            var tokens = packed[r].ContextTokens;
            int startChar = tokens[best[r].First].Start;
            int endChar = Math.Max(startChar, tokens[best[r].Last].End);
            predictions[r] = new QuestionAnsweringPrediction(rows[r].Context[startChar..endChar], startChar, best[r].Score);
        }
        return predictions;
    }

    /// <summary>Start and end logits [B, T] of packed windows; token types reach only a backbone that has token-type embeddings.</summary>
    public static (Tensor Start, Tensor End) Forward(SpanExtractor network, Tensor ids, Tensor mask, Tensor types) =>
        network.forward(ids, mask, network.Backbone.Config.TokenTypeCount > 0 ? types : null);
}
