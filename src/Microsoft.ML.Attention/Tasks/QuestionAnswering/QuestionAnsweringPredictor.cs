using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// One answer: <c>Answer == context.Substring(AnswerStart, Answer.Length)</c> always; <see cref="Score"/> is the start logit plus the
/// end logit of the best span, NaN when the row has no span to score (an empty question or context: Answer "" at 0).
/// <see cref="Top"/> holds the best distinct answers, best first (the first is this one), at most the count asked for.
/// </summary>
internal readonly record struct QuestionAnsweringPrediction(string Answer, int AnswerStart, float Score, IReadOnlyList<QuestionAnsweringPrediction>? Top = null)
{
    public static QuestionAnsweringPrediction None => new("", 0, float.NaN, []);
}

/// <summary>
/// Encode → forward → best span for question answering: every window of every row through the <see cref="SpanExtractor"/>, the best
/// span over all windows of a row, mapped back to the row's characters. Shared by the scorer and the trainer's validation.
/// A row that needs more than the packer's <see cref="QuestionAnsweringPacker.MaxWindowsPerRow"/> windows is a
/// <see cref="ScoringLimitExceededException"/> before any window runs; <see cref="TransformerScoring"/>'s ambient cancellation is
/// checked before every forward pass.
/// </summary>
internal static class QuestionAnsweringPredictor
{
    /// <param name="network">The span extractor (any precision; logits are read as float32).</param>
    /// <param name="packer">The encoder of rows into windows.</param>
    /// <param name="maxAnswerLength">The most tokens of an answer.</param>
    /// <param name="rows">(question, context) pairs.</param>
    /// <param name="windowsPerBatch">Windows per forward pass.</param>
    /// <param name="device">Where the network lives.</param>
    /// <param name="topCount">Distinct answers per row in <see cref="QuestionAnsweringPrediction.Top"/> (1 = the best only).</param>
    public static QuestionAnsweringPrediction[] Predict(SpanExtractor network, QuestionAnsweringPacker packer, int maxAnswerLength,
        IReadOnlyList<(string Question, string Context)> rows, int windowsPerBatch, Device device, int topCount = 1) =>
        Predict(network, packer, maxAnswerLength, rows.Select(r => (packer.PackBounded(r.Question, r.Context), r.Context)).ToList(), windowsPerBatch, device, topCount);

    /// <summary>As <see cref="Predict(SpanExtractor, QuestionAnsweringPacker, int, IReadOnlyList{ValueTuple{string, string}}, int, Device, int)"/>, for rows packed already.</summary>
    /// <param name="network">The span extractor.</param>
    /// <param name="packer">The packer the rows were packed with (it makes the window tensors).</param>
    /// <param name="maxAnswerLength">The most tokens of an answer.</param>
    /// <param name="rows">Each row packed, with its context.</param>
    /// <param name="windowsPerBatch">Windows per forward pass.</param>
    /// <param name="device">Where the network lives.</param>
    /// <param name="topCount">Distinct answers per row.</param>
    /// <param name="cancellationToken">Checked before each forward pass (a long context is many passes).</param>
    public static QuestionAnsweringPrediction[] Predict(SpanExtractor network, QuestionAnsweringPacker packer, int maxAnswerLength,
        IReadOnlyList<(PackedQuestion Packed, string Context)> rows, int windowsPerBatch, Device device, int topCount = 1, CancellationToken cancellationToken = default) =>
        Predict(batch => Forward(network, batch, device), packer, maxAnswerLength, rows, windowsPerBatch, topCount, cancellationToken);

    /// <summary>As above, with the forward pass given: the scorer's runs on its inference engine.</summary>
    /// <param name="forward">A padded batch of windows [B, T] → start and end logits [B, T] (any float format, any device).</param>
    /// <param name="packer">The packer the rows were packed with (it makes the window batches).</param>
    /// <param name="maxAnswerLength">The most tokens of an answer.</param>
    /// <param name="rows">Each row packed, with its context.</param>
    /// <param name="windowsPerBatch">Windows per forward pass.</param>
    /// <param name="topCount">Distinct answers per row.</param>
    /// <param name="cancellationToken">Checked before each forward pass (a long context is many passes).</param>
    public static QuestionAnsweringPrediction[] Predict(Func<EncodedBatch, (Tensor Start, Tensor End)> forward, QuestionAnsweringPacker packer, int maxAnswerLength,
        IReadOnlyList<(PackedQuestion Packed, string Context)> rows, int windowsPerBatch, int topCount, CancellationToken cancellationToken)
    {
        var packed = rows.Select(r => r.Packed).ToArray();
        if (Array.FindIndex(packed, p => p.ExceedsWindowLimit) is var tooLong and >= 0)
        {
            const string limit = nameof(TransformerTextOptions.QuestionAnswering) + "." + nameof(QuestionAnsweringOptions.MaxWindowsPerRow);
            throw new ScoringLimitExceededException(packer.ContextColumnName, limit, packer.MaxWindowsPerRow,
                $"The context of row {tooLong} of this call (column '{packer.ContextColumnName}', {rows[tooLong].Context.Length:N0} characters) needs " +
                $"more than {packer.MaxWindowsPerRow} windows, the most one row may cost ({limit}). Shorten the context, or raise {limit} when training.");
        }
        var windows = packed.SelectMany((row, r) => Enumerable.Range(0, row.Windows.Count).Select(w => (Row: r, Window: w))).ToList();
        // Per row: the candidate spans of every window, in context tokens; a span that two overlapping windows both hold keeps its best score.
        var candidates = rows.Select(_ => new Dictionary<(int First, int Last), float>()).ToArray();
        using (no_grad())
        {
            for (int at = 0; at < windows.Count; at += windowsPerBatch)
            {
                TransformerScoring.ThrowIfCancellationRequested();   // between windows (batches of windows): a cancelled call stops here
                cancellationToken.ThrowIfCancellationRequested();    // the token a Transform cursor captured when it was created
                using var scope = NewDisposeScope();
                var chunk = windows.Skip(at).Take(windowsPerBatch).ToList();
                var batch = packer.Batch(chunk.Select(w => (packed[w.Row], w.Window)).ToList());   // [B, T]
                var (start, end) = forward(batch);                                                  // [B, T]
                int length = batch.SequenceLength;
                float[] starts = start.to(float32).cpu().data<float>().ToArray();   // [B * T]
                float[] ends = end.to(float32).cpu().data<float>().ToArray();       // [B * T]
                for (int b = 0; b < chunk.Count; b++)
                {
                    var row = packed[chunk[b].Row];
                    var (first, count) = row.Windows[chunk[b].Window];
                    var spans = QuestionAnsweringSpanSearch.Top(starts.AsSpan(b * length, length), ends.AsSpan(b * length, length),
                        row.ContextOffset, count, maxAnswerLength, topCount);
                    var rowCandidates = candidates[chunk[b].Row];
                    foreach (var span in spans)
                    {
                        var key = (first + span.First, first + span.Last);
                        if (!rowCandidates.TryGetValue(key, out float known) || span.Score > known)
                            rowCandidates[key] = span.Score;
                    }
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
            var top = new List<QuestionAnsweringPrediction>(topCount);
            // Best first; equal scores keep the earlier span first, as the search within a window does.
            foreach (var ((first, last), score) in candidates[r].OrderByDescending(c => c.Value).ThenBy(c => c.Key.First).ThenBy(c => c.Key.Last))
            {
                int startChar = tokens[first].Start;
                int endChar = Math.Max(startChar, tokens[last].End);
                // Distinct answers: two token spans can cover the same characters (a word split into pieces is one answer).
                if (top.Any(t => t.AnswerStart == startChar && t.Answer.Length == endChar - startChar))
                    continue;
                top.Add(new QuestionAnsweringPrediction(rows[r].Context[startChar..endChar], startChar, score));
                if (top.Count == topCount)
                    break;
            }
            predictions[r] = top[0] with { Top = top };
        }
        return predictions;
    }

    /// <summary>Start and end logits [B, T] of packed windows; token types reach only a backbone that has token-type embeddings.</summary>
    public static (Tensor Start, Tensor End) Forward(SpanExtractor network, Tensor ids, Tensor mask, Tensor types) =>
        network.forward(ids, mask, network.Backbone.Config.TokenTypeCount > 0 ? types : null);

    /// <summary>Start and end logits [B, T] of a padded batch of windows, on <paramref name="device"/>.</summary>
    public static (Tensor Start, Tensor End) Forward(SpanExtractor network, EncodedBatch batch, Device device)
    {
        var (ids, mask) = batch.ToTensors(device);   // [B, T]
        return network.forward(ids, mask, network.Backbone.Config.TokenTypeCount > 0 ? batch.TokenTypeIdsToTensor(device) : null);
    }
}
