namespace Microsoft.ML.Attention.Modeling;

/// <summary>Where each <see cref="TransformerBlock"/> normalizes relative to its residual connections.</summary>
public enum NormalizationPlacement
{
    /// <summary><c>x = x + Sublayer(Norm(x))</c>, with a final norm after the last block (GPT-2, Llama).</summary>
    PreNorm,

    /// <summary><c>x = Norm(x + Sublayer(x))</c>, the original paper and BERT; no final norm.</summary>
    PostNorm,
}
