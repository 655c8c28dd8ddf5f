namespace Microsoft.ML.Attention.Modeling;

/// <summary>The non-linearity of each <see cref="FeedForward"/> layer.</summary>
public enum ActivationKind
{
    /// <summary><c>w2(gelu(w1 x))</c>: two linear layers with an exact (erf) GELU between them (BERT, GPT-2).</summary>
    Gelu,

    /// <summary><c>w2(silu(w1 x) * w3 x)</c>: a gated unit with three linear layers (Llama; llama2.c names w1, w2, w3).</summary>
    SwiGlu,
}
