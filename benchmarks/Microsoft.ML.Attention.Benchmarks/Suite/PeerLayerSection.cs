namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>
/// (3) Peer layer: the library's <c>TransformerBackbone</c> against libtorch's <c>nn.TransformerEncoder</c> at BERT-small's size
/// (<see cref="PeerEncoder"/>), forward + backward + AdamW, fp32, in the same process (same allocator setting), taking turns.
/// </summary>
internal static class PeerLayerSection
{
    private const double Goal = 1.1;

    public static SectionResult Run(SuiteContext context)
    {
        int rounds = context.Pick(2, 3), steps = context.Pick(3, 10);
        double library = double.MaxValue, peer = double.MaxValue;
        var backbone = TrainingWorkloads.BertSmall(context.Datasets);
        var encoder = TrainingWorkloads.PeerBertSmall(context.Datasets);
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

        int tokens = backbone.TokensPerStep;
        double ratio = peer / library;
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "TransformerBackbone (this library)", Format.Ms(library), Format.N(tokens / library), Format.Ratio(ratio) },
            new[] { "nn.TransformerEncoder of nn.TransformerEncoderLayer (libtorch)", Format.Ms(peer), Format.N(tokens / peer), Format.Ratio(1) },
        };
        var notes = new List<string>
        {
            $"BERT-small size (4 layers, d = 256, 8 heads, FF 1024, B = 16, T = 256, post-norm, GELU, dropout 0), fp32; both behind the same " +
            $"token and learned position embeddings, loss = mean square of the hidden states, AdamW. Best of {rounds} rounds of {steps} steps each, taking turns.",
            $"Goal ≥ {Goal}× the peer's tokens/s: {(ratio >= Goal ? "**met**" : "**missed**")} ({Format.Ratio(ratio)}).",
        };
        return new SectionResult("peer", "Peer layer: TransformerBackbone against libtorch's TransformerEncoderLayer",
            ["encoder", "step", "tokens/s", "speed vs peer"], rows, notes,
            new Dictionary<string, double> { ["library_tokens_per_second"] = tokens / library, ["peer_tokens_per_second"] = tokens / peer, ["ratio"] = ratio });
    }
}
