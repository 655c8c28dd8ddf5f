using Microsoft.ML.Attention.Modeling;

namespace Microsoft.ML.Attention.Tests.Modeling;

/// <summary>Tiny configurations shared by the modeling tests (dropout off, so results are deterministic).</summary>
internal static class TestConfigs
{
    /// <summary>GPT-2 style: learned positions, pre-norm LayerNorm, GELU, biases, tied embeddings.</summary>
    public static TransformerConfig Gpt { get; } = new()
    {
        VocabularySize = 50,
        ModelDimension = 16,
        LayerCount = 2,
        HeadCount = 4,
        MaxSequenceLength = 32,
        Dropout = 0,
        AttentionDropout = 0,
    };

    /// <summary>The llama2.c stories260K shape: rotary, RMSNorm, SwiGLU, grouped-query attention, no biases.</summary>
    public static TransformerConfig Llama { get; } = new()
    {
        VocabularySize = 512,
        ModelDimension = 64,
        LayerCount = 5,
        HeadCount = 8,
        KeyValueHeadCount = 4,
        FeedForwardDimension = 172,
        MaxSequenceLength = 512,
        Dropout = 0,
        AttentionDropout = 0,
        PositionalEncoding = PositionalEncodingKind.Rotary,
        Normalization = NormalizationKind.RmsNorm,
        Activation = ActivationKind.SwiGlu,
        UseBias = false,
        TieEmbeddings = true,
        NormalizationEpsilon = 1e-5,
    };

    /// <summary>Original-paper style: sinusoidal positions, post-norm.</summary>
    public static TransformerConfig PostNormSinusoidal { get; } = Gpt with
    {
        PositionalEncoding = PositionalEncodingKind.Sinusoidal,
        NormalizationPlacement = NormalizationPlacement.PostNorm,
    };

    /// <summary>Looks a configuration up by name (for theories).</summary>
    public static TransformerConfig Named(string name) => name switch
    {
        "gpt" => Gpt,
        "llama" => Llama,
        "postnorm-sinusoidal" => PostNormSinusoidal,
        _ => throw new ArgumentException($"Unknown test configuration '{name}'.", nameof(name)),
    };
}
