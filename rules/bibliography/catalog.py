"""Bibliography entries for the catalog area (products, prices, fabric, protection): key → {kind, reference, url}."""

REFERENCES = {
    "mlperf-storage-v1.0-results": {
        "kind": "repository",
        "reference": "MLCommons, MLPerf Storage v1.0 results (closed and open division submissions, per-system "
                     "mlperf_storage_report.json), 2024, commit 1c5efa73",
        "url": "https://github.com/mlcommons/storage_results_v1.0",
    },
    "ddn-blog-dgx-b200": {
        "kind": "url",
        "reference": "DDN blog, 'DDN's AI Storage Optimized for NVIDIA DGX B200 Platform: Handling AI at Any Scale "
                     "with NVIDIA Blackwell' (about 100 GB/s per DGX B200, 96 % of 800 Gb/s)",
        "url": "https://ddn.com/blog/ddns-ai-storage-optimized-for-nvidia-dgx-b200-platform-handling-ai-at-any-scale-with-nvidia-blackwell",
    },
    "ddn-a3i-basepod-ra": {
        "kind": "url",
        "reference": "DDN, 'DDN A3I End-To-End Enablement for NVIDIA DGX BasePOD' reference architecture (AI400X2, 2U)",
        "url": "https://www.ddn.com/resources/reference-architectures/nvidia-dgx-pod-h100",
    },
    "blocksandfiles-huawei-a310-2023": {
        "kind": "url",
        "reference": "Blocks & Files, 'Huawei OceanStor A310 feeds Nvidia GPUs at speed', 2023-08-30 (96 NVMe per "
                     "5U, 400 GB/s read, 208 GB/s write, 12M IOPS, up to 4,096 clustered)",
        "url": "https://blocksandfiles.com/",
    },
    "techradar-flashblade-e-2023": {
        "kind": "url",
        "reference": "TechRadar, '300TB SSD are coming soon...' (2023): Pure Storage FlashBlade//E about $0.20/GB, "
                     "4 PB minimum, 40 x 48 TB DFMs per chassis",
        "url": "https://www.techradar.com/",
    },
    "weka-docs-wekapod-servers": {
        "kind": "repository",
        "reference": "WEKA documentation, 'WEKApod servers overview' (Nitro: 1U, 14 x E3.S NVMe, 2 x ConnectX-7 "
                     "400 Gb/s), weka/docs on GitHub",
        "url": "https://github.com/weka/docs",
    },
    "wwt-powerscale-f910": {
        "kind": "url",
        "reference": "World Wide Technology, 'Dell PowerScale F910 First Impressions' (2U, 24 NVMe bays, 3-252 nodes)",
        "url": "https://www.wwt.com/",
    },
    "unstructureddatatips-onefs-qlc": {
        "kind": "url",
        "reference": "unstructureddatatips.com, 'OneFS and QLC SED drives' (F900 737.28 TB raw with 30.72 TB QLC)",
        "url": "https://www.unstructureddatatips.com/",
    },
    "blocksandfiles-vast-bluefield-2024": {
        "kind": "url",
        "reference": "Blocks & Files, 'VAST Data turns BlueField3 DPUs into storage controllers', 2024-03-12 "
                     "(2 BlueField DPUs, 4 x 100 GbE per DBox)",
        "url": "https://blocksandfiles.com/",
    },
    "linfocr-itpt-vast": {
        "kind": "url",
        "reference": "ITPT report 44, 'VAST Data mise sur l'innovation' (Ceres DBox: 1U, 338-675 TB raw, 22 QLC SSDs "
                     "+ 8 SCM)",
        "url": "https://www.linfocr.com/",
    },
    "minio-datapod-rack-spec": {
        "kind": "url",
        "reference": "MinIO knowledge base, DataPod rack performance specifications (12 x 2U servers, 36 NVMe each, "
                     "300 GiB/s read, 200 GiB/s write, <18 kW, EC 12+4)",
        "url": "https://min.io/",
    },
    "micron-ceph-nvme-2017": {
        "kind": "datasheet",
        "reference": "Micron tech brief, 'Tame Tomorrow's Data Growth Today with Ceph Storage and NVMe SSDs' (2017): "
                     "4 x 1U nodes, 1.3M 4K random read IOPS",
        "url": "https://www.micron.com/",
    },
    "storagereview-micron-9550-max": {
        "kind": "url",
        "reference": "StorageReview, 'Micron 9550 MAX Review: Balanced Performance for AI, DB and Analytics' "
                     "(14.0/10.0 GB/s, 3.0-3.3M IOPS, 60 us read, <=18 W)",
        "url": "https://www.storagereview.com/",
    },
    "architecting-it-100tb-ssd": {
        "kind": "url",
        "reference": "architecting.it, '100TB SSD vendors' (2024): Solidigm D5-P5336 61.44/122.88 TB figures",
        "url": "https://www.architecting.it/blog/",
    },
    "oscoo-enterprise-ssd-2026": {
        "kind": "url",
        "reference": "OSCOO, 'Enterprise SSD buying guide 2026' (30 TB-class TLC $9,000-11,000 in Q1 2026) [estimate]",
        "url": "https://www.oscoo.com/",
    },
    "byteiota-micron-245tb": {
        "kind": "url",
        "reference": "byteiota.com, 'Micron 245TB SSD shipping...' (2026): 122 TB QLC about $40K [estimate]",
        "url": "https://byteiota.com/",
    },
    "blocksandfiles-seagate-exos-x24-2023": {
        "kind": "url",
        "reference": "Blocks & Files, 'Seagate pips Toshiba and WD to 24 TB drive', 2023-10-18 (285 MB/s max sustained)",
        "url": "https://blocksandfiles.com/",
    },
    "wd-hc310-oem-spec": {
        "kind": "datasheet",
        "reference": "Western Digital Ultrastar DC HC310 OEM specification, section 4.5 (7.4 ms average read seek, "
                     "4.16 ms average rotational latency)",
        "url": "https://documents.westerndigital.com/",
    },
    "pcserverandparts-price-guide-2026": {
        "kind": "url",
        "reference": "pcserverandparts.com, enterprise storage price guide (2026-08): nearline SATA HDD $25/TB [street]",
        "url": "https://pcserverandparts.com/",
    },
    "blocksandfiles-ibm-diamondback": {
        "kind": "url",
        "reference": "Blocks & Files, IBM Diamondback (TS6000) tape library: 27.8 PB raw LTO-9 in 1,458 cartridges, "
                     "17.2 TB/h with 14 drives",
        "url": "https://blocksandfiles.com/",
    },
    "themoneytimes-lto-2025": {
        "kind": "url",
        "reference": "themoneytimes.media (2025-05-29), LTO-10 article: LTO-9 media about $90 per 18 TB cartridge",
        "url": "https://themoneytimes.media/",
    },
    "counterpoint-dram-2026": {
        "kind": "url",
        "reference": "Counterpoint Research projection as reported by esim.report, 'Memory price surge tipped to "
                     "continue': 64 GB RDIMM $255 (Q3 2025) → $450 (Q4 2025) → about $700 by March 2026",
        "url": "https://www.esim.report/news/memory-price-surge-tipped-to-continue",
    },
    "techpowerup-micron-mcrdimm-2024": {
        "kind": "url",
        "reference": "TechPowerUp, 'Micron Shows Off \"Tall Form Factor\" 256 GB DDR5-8000 MCRDIMM' (2024-03, NVIDIA "
                     "GTC), quoting Tom's Hardware: the tall 256 GB MCRDIMM consumes around 20 W, 'Micron's 128 GB "
                     "DDR5-8000 RDIMM consumes 10 W at DDR5-4800'",
        "url": "https://techpowerup.com/forums/posts/5226654",
    },
    "tomshardware-micron-cz120": {
        "kind": "url",
        "reference": "Tom's Hardware, 'Micron Unveils 128GB and 256GB CXL 2.0 Expansion Modules' (up to 36 GB/s; a "
                     "DDR5-4800 RDIMM is 38.4 GB/s)",
        "url": "https://www.tomshardware.com/",
    },
    "anandtech-samsung-cmm-b": {
        "kind": "url",
        "reference": "AnandTech, Samsung CMM-B CXL memory box report (2024-04): 596 ns latency, 60 GB/s",
        "url": "https://www.anandtech.com/",
    },
    "nvidia-dgx-b200-user-guide": {
        "kind": "datasheet",
        "reference": "NVIDIA DGX B200 User Guide, 'Introduction to NVIDIA DGX B200 Systems' (8 x U.2 data NVMe, "
                     "32 DIMMs, 2 x dual-port BlueField-3 storage NICs)",
        "url": "https://docs.nvidia.com/dgx/dgxb200-user-guide/",
    },
    "nvidia-dgx-a100-datasheet": {
        "kind": "datasheet",
        "reference": "NVIDIA DGX A100 datasheet (2020): 8 x single-port ConnectX-6 VPI 200 Gb/s HDR InfiniBand "
                     "(compute), 1 x dual-port ConnectX-6 VPI 10/25/50/100/200 Gb/s Ethernet (storage, in-band)",
        "url": "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/nvidia-dgx-a100-datasheet.pdf",
    },
    "nvidia-dgx-basepod-ra-core-components": {
        "kind": "datasheet",
        "reference": "NVIDIA DGX BasePOD reference architecture, 'Core Components' (DGX H100/H200: 8 U.2 data bays, "
                     "2 x dual-port ConnectX-7 storage NICs up to 400 Gb/s per port)",
        "url": "https://docs.nvidia.com/dgx-basepod/",
    },
    "nvidia-dgx-superpod-h100-ra": {
        "kind": "datasheet",
        "reference": "NVIDIA DGX SuperPOD reference architecture (H100), 'Storage' section: per-node storage "
                     "performance guidance, single-node maximum about 80 GB/s",
        "url": "https://docs.nvidia.com/dgx-superpod/",
    },
    "convergedigest-spectrum-4-2022": {
        "kind": "url",
        "reference": "Converge Digest, 'NVIDIA unveils 51.2T Spectrum-4 switch' (2022-03): 128 x 400G or 64 x 800G",
        "url": "https://convergedigest.blogspot.com/2022/03/nvidia-unveils-512t-spectrum-4-switch.html",
    },
    "nvidia-sn5000-data-interfaces": {
        "kind": "datasheet",
        "reference": "NVIDIA Spectrum-4 SN5000 Switch Systems Hardware User Manual, 'Data Interfaces' (SN5600: 64 ports "
                     "at 800GbE, 128 at 400GbE, 256 at 200GbE/100GbE and below with split cables)",
        "url": "https://docs.nvidia.com/networking/display/sn5000/data+interfaces",
    },
    "nvidia-sn5000-hw-manual": {
        "kind": "datasheet",
        "reference": "NVIDIA Spectrum-4 SN5000 2U Switch Systems Hardware User Manual, rev. 1.0 (SN5400/SN5600, 2U)",
        "url": "https://docs.nvidia.com/networking/",
    },
    "ethernet-line-rates": {
        "kind": "standard",
        "reference": "IEEE 802.3 Ethernet line rates (100/200/400 Gb/s); GB/s = Gb/s ÷ 8",
        "url": "https://standards.ieee.org/ieee/802.3/",
    },
    "eia-electric-power-annual-2023": {
        "kind": "url",
        "reference": "U.S. EIA, Electric Power Annual with data for 2023, 'Average revenue per kilowatthour by state "
                     "and sector' (Virginia commercial 8.95 cents/kWh)",
        "url": "https://www.eia.gov/electricity/annual/secrev-map.php",
    },
    "ranking-design": {
        "kind": "repository",
        "reference": "This project, recommender/ranking.py: WEIGHTS, HEADROOM_CAP and the failure-domain rule (design "
                     "choices with their rationale in code and in docs/ranking.md)",
        "url": "https://github.com/",
    },
    "backblaze-storage-pod-6-2016": {
        "kind": "url",
        "reference": "Backblaze blog, 'Storage Pod 6.0: Building a 60 Drive 480TB Storage Server', 2016-04-25 (60 drives "
                     "in 4U; $8,734 per pod with 4 TB drives, $0.036/GB; $10,364 at retail drive prices)",
        "url": "https://www.backblaze.com/blog/open-source-data-storage-server/",
    },
    "segmentfault-backblaze-pod6-2016": {
        "kind": "url",
        "reference": "SegmentFault summary of the Storage Pod 6.0 coverage: at least one company sells bare, disk-free "
                     "Pods for $5,950; Backblaze pays $8,734 per pod with 4 TB disks (2016)",
        "url": "https://segmentfault.com/p/1210000047105747",
    },
    "nvidia-mma4z00-ns400-spec": {
        "kind": "datasheet",
        "reference": "NVIDIA, 'MMA4Z00-NS400-T 400Gb/s Single-port OSFP Multimode 50m' product specifications, "
                     "Connectivity Scenarios (400Gb/s mode 9 W maximum / 8 W typical; 200Gb/s mode 5 W typical / "
                     "6.5 W maximum)",
        "url": "https://docs.nvidia.com/networking/display/MMA4Z00NS400T/Connectivity+Scenarios",
    },
    "qumulo-hpe-alletra-4110-specs": {
        "kind": "repository",
        "reference": "Qumulo hardware guide, 'HPE Alletra 4110 Technical Specifications' (1U, 20 x 15.36 TB NVMe, "
                     "4 x 100 GbE, 2 x 1,600 W PSUs; idle 431 W; typical 2.16 A at 240 V), qumulo/docs on GitHub",
        "url": "https://github.com/qumulo/docs/blob/gh-pages/hardware-guide/hpe-alletra-4110/technical-specifications.md",
    },
    "luxoptx-100g-400g-800g": {
        "kind": "url",
        "reference": "LuxOptX blog, 'From 100G to 400G/800G: Network Evolution's Transformative Impact on AI Cluster "
                     "Economics and Performance' (100G QSFP28: 3.5 W per module, about $500 per module at volume)",
        "url": "https://luxoptx.com/blogs/news/from-100g-to-400g-800g-network-evolutions-transformative-impact-on-ai-cluster-economics-and-performance",
    },
    "caltech-hpc-rates": {
        "kind": "url",
        "reference": "Caltech HPC Center, 'Rates' (VAST group storage $8.00/TB/month beyond the free allocation; IBM "
                     "GPFS $6.40/TB/month)",
        "url": "https://www.hpc.caltech.edu/rates",
    },
    "ucsf-wynton-storage-pricing": {
        "kind": "url",
        "reference": "UCSF Wynton HPC, 'Pricing for Extra Storage' (one-time $160/TiB for RAID 6 equivalent BeeGFS "
                     "storage, including networking, metadata servers, storage servers, maintenance and administration; "
                     "also StorageNewsletter 2020-04-23)",
        "url": "https://wynton.ucsf.edu/hpc/about/pricing-storage.html",
    },
    "solidigm-exabyte-economics-2025": {
        "kind": "url",
        "reference": "Solidigm, 'The Economics of Exabyte Storage' (2025): 1 EB usable, 10-year hardware cost $29.06M "
                     "for Solidigm 122 TB QLC with VAST Data vs $40.77M for 30 TB HDD with Ceph; software and network "
                     "not included (Blocks & Files, 2025-08-08)",
        "url": "https://www.solidigm.com/products/technology/economics-of-exabyte-data-storage.html",
    },
    "northeastern-rc-storage-policy": {
        "kind": "url",
        "reference": "Northeastern University Research Computing, 'Research Projects Storage Space Policy' (additional "
                     "active HPC storage $300/TB/year; archival disk $80/TB/year, tape $15/TB/year)",
        "url": "https://rc.northeastern.edu/research-projects-storage-space-policy",
    },
    "luxoptx-800g-cost": {
        "kind": "url",
        "reference": "LuxOptX blog, '800G Optical Module Cost Analysis: TCO Optimization for AI Data Centers' "
                     "(800G OSFP-DR8 $1,100-1,400 at volume; 400G QSFP-DD $600-800; a 64-port 800G switch "
                     "$150,000-250,000 depending on features and vendor)",
        "url": "https://luxoptx.com/blogs/news/800g-optical-module-cost-analysis-tco-optimization-for-ai-data-centers",
    },
    "ipinfusion-tomahawk-5": {
        "kind": "url",
        "reference": "IP Infusion, 'Broadcom Tomahawk 5 Switches' (51.2 Tb/s, 64 x 800G, 2RU platforms; UfiSpace "
                     "S9321-64E 913 W typical without transceivers, 30 W per QSFP-DD cage)",
        "url": "https://www.ipinfusion.com/technology/tomahawk-5/",
    },
    "smd-chip-solidigm-d5-p5316": {
        "kind": "datasheet",
        "reference": "Solidigm (Intel) SSD D5-P5316 datasheet summary, 'High-density PCIe 4.0 QLC SSD' (15.36/30.72 TB, "
                     "U.2 and E1.L; maximum average active write power 25 W, idle 5 W)",
        "url": "https://smd-chip.com/en/IC_specification_high-density-pcie-4-0-qlc-ssd-datasheet.html",
    },
    "weka-docs-optimize-redundancy": {
        "kind": "repository",
        "reference": "WEKA documentation, 'Optimize redundancy in WEKA deployments' (protection from 3+2 to 16+4; "
                     "data stripe width 3 to 16; N+2 typically sufficient, N+4 for 100+ backends; for large clusters "
                     "the stripe should not exceed 25 % of the cluster size, e.g. 8+2 for 40 backends), "
                     "weka/docs-weka-io, weka-system-overview/about/optimize-redundancy-in-weka-deployments.md, "
                     "commit ce1eae7a",
        "url": "https://github.com/weka/docs-weka-io",
    },
    "storagesserver-micron-9550-max-specs": {
        "kind": "url",
        "reference": "Micron 9550 MAX specifications table (StorageReview review, mirrored): U.2 and E3.S form "
                     "factors, 3.2/6.4/12.8/25.6 TB, 14,000/10,000 MB/s, 3.0-3.3M random read IOPS, <=18 W",
        "url": "https://korean.storagesserver.com/cases/micron-9550-max-review-balanced-performance-for-ai-db-and-analytics-48698.html",
    },
    "fs-nvidia-ethernet-nics-2026": {
        "kind": "url",
        "reference": "FS.com US, 'NVIDIA Ethernet NICs' catalog page, prices as listed in September 2026: ConnectX-6 Dx "
                     "100G QSFP56 2-port $1,550; ConnectX-7 200G QSFP112 2-port $2,129; ConnectX-7 400G OSFP 1-port "
                     "$2,188 (retail street prices, card only, no optics; read through a public 2026-09-15 pricing "
                     "compilation, not re-checked on the live page)",
        "url": "https://www.fs.com/c/nvidia-ethernet-nics-4014",
    },
    "glennklockwood-parallel-io-benchmarks": {
        "kind": "url",
        "reference": "Glenn K. Lockwood, 'Parallel I/O Benchmarks' (acceptance-test commands and results of NERSC "
                     "file systems by the author of Perlmutter's acceptance criteria; Perlmutter: all-flash Lustre of "
                     "274 OSSes and 16 MDSes, 4 KiB random-read IOR test with 230 clients x 32 processes = "
                     "35,098,607.79 IOPS, client-limited; 1,024 clients = 116,434,587.92 read IOPS)",
        "url": "https://www.glennklockwood.com/benchmarks/ior-results.html",
    },
    "dell-pixstor-ready-solution": {
        "kind": "url",
        "reference": "Dell EMC, 'Dell EMC Ready Solution for HPC PixStor Storage' (IBM Spectrum Scale on PowerEdge "
                     "R740 servers and PowerVault ME4 arrays), Performance characterization, Table 7 'Peak & "
                     "Sustained Performance': mdtest on the High Demand Metadata Module (an HA pair of R740 metadata "
                     "servers, one ME4024 SAS-SSD array), 16 client nodes, empty files: create 169.4K peak / 123.5K "
                     "sustained op/s, stat 11M / 3.2M, read 4.7M / 2.4M, remove 170.6K / 156.5K (a public copy of "
                     "Dell's document)",
        "url": "https://www.manualshelf.com/manual/dell/storage-solution-resources/1-administrator-guide-english/page-35.html",
    },
    "nersc-perlmutter-scratch-docs": {
        "kind": "url",
        "reference": "NERSC documentation, 'Perlmutter Scratch' (all-flash Lustre: 35 PB, >5 TB/s aggregate, "
                     "4 million IOPS (4 KiB random), 16 MDS, 274 OSSs, 3,792 dual-ported NVMe SSDs)",
        "url": "https://docs.nersc.gov/filesystems/perlmutter-scratch/",
    },
}
