namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>
/// (3) Peer layer: the library's <c>TransformerBackbone</c> against libtorch's <c>nn.TransformerEncoder</c> at BERT-small's size
/// (<see cref="PeerEncoder"/>), forward + backward + AdamW, in fp32 and in bf16, in the same process (same allocator setting), taking turns.
/// </summary>
internal static class PeerLayerSection
{
    private const double Goal = 1.1;

    public static SectionResult Run(SuiteContext context)
    {
        var rows = new List<IReadOnlyList<string>>();
        var metrics = new Dictionary<string, double>();
        var outcomes = new List<string>();
        foreach (bool bfloat16 in new[] { false, true })
        {
            var (library, peer, tokens) = Measure(context, bfloat16);
            string precision = bfloat16 ? "bf16" : "fp32";
            double ratio = peer / library;
            rows.Add(new[] { "TransformerBackbone (this library)", precision, Format.Ms(library), Format.N(tokens / library), Format.Ratio(ratio) });
            rows.Add(new[] { "nn.TransformerEncoder of nn.TransformerEncoderLayer (libtorch)", precision, Format.Ms(peer), Format.N(tokens / peer), Format.Ratio(1) });
            metrics[$"{precision}_library_tokens_per_second"] = tokens / library;
            metrics[$"{precision}_peer_tokens_per_second"] = tokens / peer;
            metrics[$"{precision}_ratio"] = ratio;
            outcomes.Add($"{precision} {(ratio >= Goal ? "**met**" : "**missed**")} ({Format.Ratio(ratio)})");
        }

        var notes = new List<string>
        {
            "BERT-small size (4 layers, d = 256, 8 heads, FF 1024, B = 16, T = 256, post-norm, GELU, dropout 0); both behind the same " +
            "token and learned position embeddings, loss = mean square of the hidden states (float32), AdamW. Best of the rounds of each, taking turns.",
            "bf16: the library trains as `TrainingPrecision.BFloat16` does (bf16 matrix products on float32 weights; attention, norms, " +
            "loss and AdamW in float32); libtorch's layer has no mixed precision in TorchSharp (no autocast), so it is converted to bfloat16 whole.",
            $"Goal ≥ {Goal}× the peer's tokens/s in each precision: {string.Join("; ", outcomes)}.",
        };
        return new SectionResult("peer", "Peer layer: TransformerBackbone against libtorch's TransformerEncoderLayer",
            ["encoder", "precision", "step", "tokens/s", "speed vs peer"], rows, notes, metrics);
    }

    private static (double Library, double Peer, int Tokens) Measure(SuiteContext context, bool bfloat16)
    {
        int rounds = context.Pick(2, 3), steps = context.Pick(3, 10);
        double library = double.MaxValue, peer = double.MaxValue;
        var backbone = TrainingWorkloads.BertSmall(context.Datasets, bfloat16);
        var encoder = TrainingWorkloads.PeerBertSmall(context.Datasets, bfloat16);
        try
        {
            for (int round = 0; round < rounds; round++)
            {
                library = Math.Min(library, TrainingWorkloads.SecondsPerStep(backbone, warmUp: round == 0 ? 2 : 0, steps));
                peer = Math.Min(peer, TrainingWorkloads.SecondsPerStep(encoder, warmUp: round == 0 ? 2 : 0, steps));
            }
        }
        finally
        {
            backbone.Dispose();
            encoder.Dispose();
        }

        return (library, peer, backbone.TokensPerStep);
    }
}
