using PublicApiGenerator;

namespace Microsoft.ML.Attention.Tests.PublicApi;

/// <summary>
/// The public surface of the library and of its companion package Microsoft.ML.Attention.OnnxRuntime, each compared with its committed
/// <c>&lt;assembly&gt;.approved.txt</c>: any change of the public API shows up in review as a change of that file. After a deliberate
/// change, copy the <c>.received.txt</c> this test writes over the approved file.
/// </summary>
public class PublicApiTests
{
    public static TheoryData<string> Assemblies() => [typeof(TransformerTextEstimator).Assembly.GetName().Name!, typeof(OnnxRuntime.OnnxRuntimeScoring).Assembly.GetName().Name!];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Public_api_matches_the_approved_snapshot(string assemblyName)
    {
        string folder = System.IO.Path.Combine(TestData.RepoRoot, "tests", "Microsoft.ML.Attention.Tests", "PublicApi");
        string approvedPath = System.IO.Path.Combine(folder, assemblyName + ".approved.txt");
        string receivedPath = System.IO.Path.Combine(folder, assemblyName + ".received.txt");
        var options = new ApiGeneratorOptions
        {
            // The generator skips namespaces under "Microsoft" and "System" by default; this library's are all under Microsoft.ML.
            DenyNamespacePrefixes = [],
            ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute"],
        };
        string received = Normalize(System.Reflection.Assembly.Load(assemblyName).GeneratePublicApi(options));
        string approved = File.Exists(approvedPath) ? Normalize(File.ReadAllText(approvedPath)) : "";

        if (received == approved)
        {
            File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, received);
        Assert.Fail($"The public API changed. Review {receivedPath} against {approvedPath} " +
            $"(first difference: {FirstDifference(approved, received)}); if the change is meant, copy the received file over the approved one.");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd() + "\n";

    private static string FirstDifference(string approved, string received)
    {
        var a = approved.Split('\n');
        var r = received.Split('\n');
        for (int line = 0; line < Math.Max(a.Length, r.Length); line++)
        {
            string left = line < a.Length ? a[line] : "<end>";
            string right = line < r.Length ? r[line] : "<end>";
            if (left != right)
                return $"line {line + 1}: approved '{left.Trim()}', received '{right.Trim()}'";
        }
        return "none";
    }
}
