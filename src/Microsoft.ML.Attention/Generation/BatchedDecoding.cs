using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Generation;

/// <summary>
/// Generates new tokens for several prompts together: one forward pass per step for all unfinished rows, with one
/// <see cref="KeyValueCache"/> whose rows are left-padded to the longest prompt. Each row's positions count its own tokens
/// only (<see cref="KeyValueCache.SetRowPadding"/>) and its padding slots are masked, so a row sees what it would see alone.
/// </summary>
/// <remarks>
/// Every row has its own <see cref="LogitsSampler"/> built from the same options, so a seeded row draws the same random
/// numbers as it would alone. A row stops on its own (end or start token, <see cref="GenerationOptions.MaxNewTokens"/>, a full
/// context, or when <c>accept</c> returns false, e.g. at a stop sequence) and leaves the batch: its cache rows are dropped.
/// When the rows with the longest prompts have left and the context is full, the slots that are padding in every remaining
/// row are dropped, so a short prompt gets the same room as alone.
/// </remarks>
internal sealed class BatchedDecoding
{
    private readonly CausalLanguageModel _model;
    private readonly Device _device;
    private readonly int _contextLength;
    private readonly (int Eos, int Bos) _ends;

    public BatchedDecoding(CausalLanguageModel model, Device device, int eosId, int bosId)
    {
        _model = model;
        _device = device;
        _contextLength = model.Backbone.Config.MaxSequenceLength;
        _ends = (eosId, bosId);
    }

    /// <summary>Extends every sequence in place with its new tokens.</summary>
    /// <param name="sequences">Each row's prompt ids (non-empty, at most the context length); new ids are appended.</param>
    /// <param name="options">Validated options; stop sequences are the caller's (through <paramref name="accept"/>).</param>
    /// <param name="accept">Called with (row, new id) for each id that is kept; false ends that row after this id.</param>
    /// <param name="cancellationToken">Checked before each step.</param>
    public void Run(IReadOnlyList<List<int>> sequences, GenerationOptions options, Func<int, int, bool> accept, CancellationToken cancellationToken)
    {
        if (sequences.Count == 0)
        {
            return;
        }

        var samplers = sequences.Select(_ => new LogitsSampler(options)).ToArray();
        using var cache = _model.CreateCache();
        bool wasTraining = _model.training;
        _model.eval();
        try
        {
            var active = Enumerable.Range(0, sequences.Count).ToList();  // original row of each cache row
            var padding = sequences.Select(s => (long)(sequences.Max(t => t.Count) - s.Count)).ToList();
            var newTokens = new int[sequences.Count];
            bool prefill = true;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                TransformerScoring.ThrowIfCancellationRequested();   // the ambient scope (Transform, PredictionEngine), between steps
                int[] next = prefill ? Prefill(sequences, padding, cache, samplers) : Step(sequences, active, cache, samplers);
                prefill = false;
                var kept = new List<int>(active.Count);
                for (int i = 0; i < active.Count; i++)
                {
                    int row = active[i];
                    if (Continues(sequences[row], next[i], ++newTokens[row], options.MaxNewTokens, id => accept(row, id)))
                    {
                        kept.Add(i);
                    }
                }

                if (kept.Count == 0)
                {
                    break;
                }

                if (kept.Count < active.Count)
                {
                    cache.KeepRows(kept.Select(i => (long)i).ToArray());
                    active = kept.Select(i => active[i]).ToList();
                    padding = kept.Select(i => padding[i]).ToList();
                }

                MakeRoom(cache, padding);
            }
        }
        finally
        {
            _model.train(wasTraining);
            foreach (var sampler in samplers)
            {
                sampler.Dispose();
            }
        }
    }

    // The one-row loop's rules, in its order: an end/start token ends the row unseen; otherwise the id is kept, and the row
    // ends after it when the caller says so, when MaxNewTokens is reached, or when the context is full.
    private bool Continues(List<int> sequence, int id, int count, int maxNewTokens, Func<int, bool> accept)
    {
        if (id == _ends.Eos || id == _ends.Bos)
        {
            return false;
        }

        sequence.Add(id);
        return accept(id) && count < maxNewTokens && sequence.Count <= _contextLength;
    }

    // The prompts, left-padded to the longest: [B, P] ids and mask; returns each row's first new id.
    private int[] Prefill(IReadOnlyList<List<int>> sequences, List<long> padding, KeyValueCache cache, LogitsSampler[] samplers)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        int batch = sequences.Count, length = sequences.Max(s => s.Count);
        var ids = new long[batch * length];
        var real = new bool[batch * length];
        for (int row = 0; row < batch; row++)
        {
            int pad = (int)padding[row];
            for (int t = 0; t < length; t++)
            {
                ids[row * length + t] = t < pad ? _ends.Bos : sequences[row][t - pad]; // any valid id fills padding: it is masked
                real[row * length + t] = t >= pad;
            }
        }

        Tensor? mask = null;
        if (padding.Any(p => p > 0))
        {
            cache.SetRowPadding([.. padding], _device);
            mask = torch.tensor(real, device: _device).view(batch, length); // [B, P]
        }

        var input = torch.tensor(ids, device: _device).view(batch, length); // [B, P]
        var logits = _model.forward(input, mask, cache);                    // [B, P, V]
        return Sample(logits.select(1, -1), Enumerable.Range(0, batch).ToList(), sequences, samplers);
    }

    // Feeds each active row's last id: [B', 1]; returns each active row's next id.
    private int[] Step(IReadOnlyList<List<int>> sequences, List<int> active, KeyValueCache cache, LogitsSampler[] samplers)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var last = active.Select(row => (long)sequences[row][^1]).ToArray();
        var input = torch.tensor(last, device: _device).view(active.Count, 1); // [B', 1]
        var logits = _model.forward(input, null, cache);                        // [B', 1, V]
        return Sample(logits.select(1, -1), active, sequences, samplers);
    }

    private static int[] Sample(Tensor lastLogits, List<int> active, IReadOnlyList<List<int>> sequences, LogitsSampler[] samplers)
    {
        using var onCpu = lastLogits.to(ScalarType.Float32, CPU); // [B', V]
        var next = new int[active.Count];
        for (int i = 0; i < active.Count; i++)
        {
            next[i] = samplers[active[i]].Sample(onCpu[i], sequences[active[i]]);
        }

        return next;
    }

    // When the next step would not fit the context, drops the leading slots that are padding in every remaining row.
    private void MakeRoom(KeyValueCache cache, List<long> padding)
    {
        long common = padding.Min();
        if (common == 0 || cache.Length < _contextLength)
        {
            return;
        }

        cache.DropLeadingSlots((int)common);
        for (int i = 0; i < padding.Count; i++)
        {
            padding[i] -= common;
        }
    }
}
